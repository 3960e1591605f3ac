package credential

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenTranscripts reads each testdata/protocol case (input, "--",
// expected output or "error: ..."), parses the input and writes it back.
func TestGoldenTranscripts(t *testing.T) {
	files, err := filepath.Glob("../testdata/protocol/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden transcripts: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, want, ok := strings.Cut(string(data), "--\n")
			if !ok {
				t.Fatalf("%s: no -- separator", f)
			}
			// Read sizes its buffer to a reader that tells its length
			// (strings.Reader) and takes 4 KiB from one that does not:
			// both must read the same.
			for _, r := range []io.Reader{strings.NewReader(in), struct{ io.Reader }{strings.NewReader(in)}} {
				c, err := Read(r)
				var got bytes.Buffer
				if err != nil {
					got.WriteString("error: " + err.Error() + "\n")
				} else if err := Write(&got, c); err != nil {
					t.Fatalf("write: %v", err)
				}
				if got.String() != want {
					t.Errorf("%T: got:\n%s\nwant:\n%s", r, got.String(), want)
				}
			}
		})
	}
}

func TestReadLimits(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"value over 64 KiB", "protocol=https\npassword=" + strings.Repeat("x", MaxLineBytes) + "\n", "line 2: line longer than 65536 bytes"},
		{"10 MB value", "password=" + strings.Repeat("x", 10<<20), "line 1: line longer than"},
		{"too much input", strings.Repeat("wwwauth[]="+strings.Repeat("x", 1000)+"\n", 5000), "input exceeds"},
		{"100,000 short lines are fine", strings.Repeat("k=v\n", 100000), ""},
		{"stdin closed mid-line", "protocol=https\nhost=exa", ""},
		{"invalid UTF-8 passes through", "password=\xff\xfe\n", ""},
		{"a line longer than the 4 KiB buffer", "protocol=https\nhost=" + strings.Repeat("h", 5000) + "\n\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if _, err2 := Read(struct{ io.Reader }{strings.NewReader(tc.in)}); (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
				t.Fatalf("a reader that tells its length: %v; one that does not: %v", err, err2)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestWriteRefusesNewlines(t *testing.T) {
	for _, c := range []Credential{
		{Protocol: "https", Host: "h", Password: "a\nhost=evil"},
		{Protocol: "https", Host: "h", WWWAuth: []string{"x\x00y"}},
	} {
		if err := Write(&bytes.Buffer{}, c); err == nil {
			t.Errorf("Write(%+v) succeeded", c.Redacted())
		}
	}
}

func TestMatch(t *testing.T) {
	stored := Credential{Protocol: "https", Host: "h", Path: "org/r.git", Username: "u", HasUsername: true, Password: "p", HasPassword: true}
	tests := []struct {
		name   string
		query  Credential
		withPw bool
		want   bool
	}{
		{"omitted fields match anything", Credential{Protocol: "https"}, false, true},
		{"host differs", Credential{Protocol: "https", Host: "x"}, false, false},
		{"path differs", Credential{Protocol: "https", Host: "h", Path: "other"}, false, false},
		{"empty username is a value", Credential{Protocol: "https", HasUsername: true}, false, false},
		{"password ignored for get", Credential{Protocol: "https", Password: "zz", HasPassword: true}, false, true},
		{"password compared for erase", Credential{Protocol: "https", Password: "zz", HasPassword: true}, true, false},
		{"same password erases", Credential{Protocol: "https", Password: "p", HasPassword: true}, true, true},
		{"credential ignored for get", Credential{Protocol: "https", AuthType: "Bearer", Credential: "zz"}, false, true},
		{"credential compared for erase: an entry without one", Credential{Protocol: "https", AuthType: "Bearer", Credential: "zz"}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Match(tc.query, stored, tc.withPw); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzRead: the reader never panics, and whatever it accepts it can write
// and read back to the same credential.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("../testdata/protocol/*.txt")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		in, _, _ := strings.Cut(string(data), "--\n")
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Read(strings.NewReader(in))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, c); err != nil {
			return // e.g. a url= that decoded to something unwritable is refused
		}
		back, err := Read(&buf)
		if err != nil {
			t.Fatalf("re-reading our own output failed: %v\n%q", err, buf.String())
		}
		if !equal(c, back) {
			t.Fatalf("round trip changed the credential:\n%+v\n%+v", c, back)
		}
	})
}

func equal(a, b Credential) bool {
	var x, y bytes.Buffer
	Write(&x, a)
	Write(&y, b)
	return x.String() == y.String()
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://u:p@h:1/p", "https://h", "cert:///path", "https://%zz@h/%", "a://@/?#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseURL(s)
		if err == nil && strings.ContainsAny(c.Host+c.Path+c.Username+c.Password, "\n\x00") {
			t.Fatalf("ParseURL(%q) let a newline or NUL through", s)
		}
	})
}

// Redacted masks every secret a trace could show, including a token that
// came as the username (https://TOKEN@host) or inside a protocol value,
// and leaves what is not a secret readable.
func TestRedacted(t *testing.T) {
	for _, tc := range []struct {
		name, username, protocol string
		wantUser, wantProtocol   string
	}{
		{"a name", "alice", "https", "alice", "https"},
		{"a long name", "firstname-lastname-from-acme", "https", "firstname-lastname-from-acme", "https"},
		{"an email", "first.last1234@example.com", "https", "first.last1234@example.com", "https"},
		{"x-access-token", "x-access-token", "https", "x-access-token", "https"},
		{"GitHub token as username", "ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1", "https", "<redacted>", "https"},
		{"GitLab token as username", "glpat-abcdefghij0123456789", "https", "<redacted>", "https"},
		{"GitLab routable token as username", "glpat-abcdefghijklmnopqrstu.01.1a2b3c4d5", "https", "<redacted>", "https"},
		{"a dotted name", "first.last.name.here", "https", "first.last.name.here", "https"},
		{"a capitalised long name", "FirstnameLastname-Acme", "https", "FirstnameLastname-Acme", "https"},
		{"GitLab token without a digit", "glpat-abcDEfghIJklmnOPqrst", "https", "<redacted>", "https"},
		{"GitHub token without a digit", "ghp_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGhIj", "https", "<redacted>", "https"},
		{"Gitea token as username", "0123456789abcdef0123456789abcdef01234567", "https", "<redacted>", "https"},
		{"a URL as the protocol", "alice", "https://alice:SECRET7@evil.com/", "alice", "<redacted>"},
		{"no protocol", "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Credential{Protocol: tc.protocol, Host: "h", Username: tc.username, Password: "pw", Credential: "cr", OAuthRefreshToken: "rt"}
			r := c.Redacted()
			if r.Username != tc.wantUser || r.Protocol != tc.wantProtocol {
				t.Errorf("username %q protocol %q; want %q, %q", r.Username, r.Protocol, tc.wantUser, tc.wantProtocol)
			}
			if r.Password != "<redacted>" || r.Credential != "<redacted>" || r.OAuthRefreshToken != "<redacted>" || r.Host != "h" {
				t.Errorf("secrets or host: %+v", r)
			}
		})
	}
}
