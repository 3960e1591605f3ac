package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/credential/storetest"
)

// isolateGit keeps the git commands login and doctor run away from the
// machine's and the developer's config.
func isolateGit(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "")
	// login and logout tell cache daemons to forget the host: not the
	// developer's.
	t.Setenv("XDG_RUNTIME_DIR", home)
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("XDG_STATE_HOME", home)
	// No forge APIs from unit tests (e2e tests verify against fake forges).
	t.Setenv(VerifyEnv, "0")
	return home
}

// unlisted hides a store's List method.
type unlisted struct{ s credential.Store }

func (u unlisted) Get(ctx context.Context, q credential.Credential) (credential.Credential, error) {
	return u.s.Get(ctx, q)
}
func (u unlisted) Store(ctx context.Context, c credential.Credential) error { return u.s.Store(ctx, c) }
func (u unlisted) Erase(ctx context.Context, q credential.Credential) error { return u.s.Erase(ctx, q) }

// readOnly accepts every write and keeps nothing, like the env store.
type readOnly struct{}

func (readOnly) Get(context.Context, credential.Credential) (credential.Credential, error) {
	return credential.Credential{}, credential.ErrNotFound
}
func (readOnly) Store(context.Context, credential.Credential) error { return nil }
func (readOnly) Erase(context.Context, credential.Credential) error { return nil }

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func login(t *testing.T, store credential.Store, stdin string, edit func(*LoginOptions)) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	o := LoginOptions{
		StoreRef: StoreRef{Store: store, Name: "file"},
		Host:     "github.com", Protocol: "https",
		Dir:   t.TempDir(),
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Now: func() time.Time { return testNow },
	}
	if edit != nil {
		edit(&o)
	}
	err = Login(context.Background(), o)
	return out.String(), errb.String(), err
}

func TestLoginFromPipe(t *testing.T) {
	isolateGit(t)
	token := ghToken("ghp_", random30)
	mem := &storetest.Memory{}
	stdout, stderr, err := login(t, mem, "  "+token+"\r\n", func(o *LoginOptions) { o.Expires = "3d" })
	if err != nil {
		t.Fatal(err)
	}
	es, _ := mem.List(context.Background())
	if len(es) != 1 {
		t.Fatalf("stored %d entries", len(es))
	}
	c := es[0]
	if c.Protocol != "https" || c.Host != "github.com" || c.Path != "" || c.Username != DefaultUsername || c.Password != token ||
		c.PasswordExpiryUTC != testNow.Add(72*time.Hour).Unix() {
		t.Fatalf("stored %+v", c.Redacted())
	}
	want := "Stored GitHub classic personal access token ghp_****" + token[len(token)-4:] + " for https://x-access-token@github.com in store file (expires in 3 days, 2026-11-29 12:00 UTC)\n"
	if stdout != want {
		t.Fatalf("stdout = %q\nwant     %q", stdout, want)
	}
	if !strings.Contains(stderr, "fine-grained tokens (github_pat_)") || strings.Count(stderr, "fine-grained") != 1 {
		t.Fatalf("want one line of advice about classic tokens, stderr:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, token) {
		t.Fatal("login printed the token")
	}

	// The same again changes nothing, and says so.
	stdout, _, err = login(t, mem, token, func(o *LoginOptions) { o.Expires = "3d" })
	if err != nil || !strings.HasPrefix(stdout, "Already stored GitHub classic personal access token") {
		t.Fatalf("same login again: %v %q", err, stdout)
	}
	// Again, with another token: the entry is replaced, and says so.
	other := ghToken("gho_", strings.Repeat("Q", 30))
	stdout, _, err = login(t, mem, other, nil)
	if err != nil || !strings.HasPrefix(stdout, "Replaced GitHub OAuth token gho_****") {
		t.Fatalf("second login: %v %q", err, stdout)
	}
	if es, _ := mem.List(context.Background()); len(es) != 1 || es[0].Password != other || es[0].PasswordExpiryUTC != 0 {
		t.Fatalf("after replace: %d entries", len(es))
	}
}

func TestLoginOptions(t *testing.T) {
	isolateGit(t)
	glpat := "glpat-" + strings.Repeat("k", 20)
	tests := []struct {
		name  string
		stdin string
		edit  func(*LoginOptions)
		want  credential.Credential
	}{
		{"gitlab with username and path", glpat, func(o *LoginOptions) { o.Host, o.Username, o.Path = "gitlab.com", "alice", "/grp/app.git/" },
			credential.Credential{Protocol: "https", Host: "gitlab.com", Path: "grp/app.git", Username: "alice", Password: glpat}},
		{"host given as a URL", "tok-123", func(o *LoginOptions) { o.Host = "https://bob@gitea.example.org:3000/team/app.git" },
			credential.Credential{Protocol: "https", Host: "gitea.example.org:3000", Path: "team/app.git", Username: "bob", Password: "tok-123"}},
		{"bitbucket with username", "ATATT3xFfGF0secret", func(o *LoginOptions) { o.Host, o.Username = "bitbucket.org", "carol" },
			credential.Credential{Protocol: "https", Host: "bitbucket.org", Username: "carol", Password: "ATATT3xFfGF0secret"}},
		{"bitbucket API token: its fixed username", "ATATT3xFfGF0secret", func(o *LoginOptions) { o.Host = "bitbucket.org" },
			credential.Credential{Protocol: "https", Host: "bitbucket.org", Username: "x-bitbucket-api-token-auth", Password: "ATATT3xFfGF0secret"}},
		{"bitbucket access token: x-token-auth", "ATCTT3xFfGN0secret", func(o *LoginOptions) { o.Host, o.Owner = "bitbucket.org", "acme" },
			credential.Credential{Protocol: "https", Host: "bitbucket.org", Path: "acme", Username: "x-token-auth", Password: "ATCTT3xFfGN0secret"}},
		{"gitlab.com: oauth2", glpat, func(o *LoginOptions) { o.Host = "gitlab.com" },
			credential.Credential{Protocol: "https", Host: "gitlab.com", Username: "oauth2", Password: glpat}},
		{"self-managed GitLab (custom prefix): oauth2", "acme-" + glpat, func(o *LoginOptions) { o.Host = "git.acme.example" },
			credential.Credential{Protocol: "https", Host: "git.acme.example", Username: "oauth2", Password: "acme-" + glpat}},
		// The organization, as Azure's clone URLs name it as the user.
		{"azure devops with --owner", strings.Repeat("a", 52), func(o *LoginOptions) { o.Host, o.Owner = "dev.azure.com", "acme" },
			credential.Credential{Protocol: "https", Host: "dev.azure.com", Path: "acme", Username: "acme", Password: strings.Repeat("a", 52)}},
		{"azure devops without --owner", strings.Repeat("a", 52), func(o *LoginOptions) { o.Host = "dev.azure.com" },
			credential.Credential{Protocol: "https", Host: "dev.azure.com", Username: DefaultUsername, Password: strings.Repeat("a", 52)}},
		{"http on localhost", "tok", func(o *LoginOptions) { o.Host, o.Protocol = "127.0.0.1:8080", "http" },
			credential.Credential{Protocol: "http", Host: "127.0.0.1:8080", Username: DefaultUsername, Password: "tok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := &storetest.Memory{}
			if _, stderr, err := login(t, mem, tc.stdin, tc.edit); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			es, _ := mem.List(context.Background())
			tc.want.HasUsername, tc.want.HasPassword = true, true
			if len(es) != 1 || !credential.SamePersistent(es[0], tc.want) {
				t.Fatalf("stored %+v", es)
			}
		})
	}
}

func TestLoginRefuses(t *testing.T) {
	isolateGit(t)
	token := ghToken("ghp_", random30)
	tests := []struct {
		name, stdin string
		edit        func(*LoginOptions)
		store       credential.Store
		wantErr     string
	}{
		{"token on the command line", token, func(o *LoginOptions) { o.Args = []string{token} }, nil, "never the command line"},
		{"nothing on stdin", "\n\n", nil, nil, "no token on stdin"},
		{"two lines", token + "\n" + token + "\n", nil, nil, "more than one line"},
		{"checksum wrong", token[:39] + "x", nil, nil, "wrong checksum"},
		{"truncated", token[:30], nil, nil, "too short"},
		{"not a GitHub token", "my-password", nil, nil, "start with github_pat_"},
		{"expiry in the past", token, func(o *LoginOptions) { o.Expires = "2020-01-01" }, nil, "not in the future"},
		{"bad expiry", token, func(o *LoginOptions) { o.Expires = "soon" }, nil, "use a date"},
		{"bitbucket without username", "some-password", func(o *LoginOptions) { o.Host = "bitbucket.org" }, nil, "--username YOUR_BITBUCKET_USERNAME"},
		{"bitbucket app password", "ATBB" + token[4:], func(o *LoginOptions) { o.Host, o.Username = "bitbucket.org", "carol" }, nil, "app passwords (ATBB...) are switched off; create an API token with the scopes read:repository:bitbucket and write:repository:bitbucket at https://id.atlassian.com/manage-profile/security/api-tokens"},
		{"GitHub token for gitlab.com", token, func(o *LoginOptions) { o.Host = "gitlab.com" }, nil, "GitLab personal access tokens start with glpat-"},
		{"password in --host", token, func(o *LoginOptions) { o.Host = "https://u:p@github.com" }, nil, "must not contain a password"},
		{"plain http", "tok", func(o *LoginOptions) { o.Host, o.Protocol = "git.example.org", "http" }, nil, "unencrypted"},
		{"bad host", token, func(o *LoginOptions) { o.Host = "github.com/acme" }, nil, "not a host name"},
		{"protocol not a scheme", token, func(o *LoginOptions) { o.Protocol = "https://mallory@github.com/x?" }, nil, "not a URL scheme"},
		{"read-only store", token, nil, readOnly{}, "did not keep the token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := &storetest.Memory{}
			store := tc.store
			if store == nil {
				store = mem
			}
			stdout, stderr, err := login(t, store, tc.stdin, tc.edit)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			if strings.Contains(err.Error()+stdout+stderr, token[20:]) {
				t.Fatalf("token shown: %v %q %q", err, stdout, stderr)
			}
			if mem.Writes != 0 {
				t.Fatal("something was stored")
			}
		})
	}
}

func TestListAndLogout(t *testing.T) {
	isolateGit(t)
	ctx := context.Background()
	mem := &storetest.Memory{}
	classic := ghToken("ghp_", random30)
	add := func(host, path, user, pass string, expiry time.Duration) {
		c := credential.Credential{Protocol: "https", Host: host, Path: path}
		c.SetUsername(user)
		c.SetPassword(pass)
		if expiry != 0 {
			c.PasswordExpiryUTC = testNow.Add(expiry).Unix()
		}
		mem.Store(ctx, c)
	}
	add("gitlab.com", "", "oauth2", "glpat-"+strings.Repeat("g", 16)+"gl42", -24*time.Hour)
	add("github.com", "acme/app.git", "bob", "github_pat_"+strings.Repeat("b", 78)+"bob9", 0)
	add("github.com", "", "alice", classic, 3*24*time.Hour)

	list := func(o ListOptions) string {
		t.Helper()
		var out bytes.Buffer
		o.StoreRef, o.Stdout, o.Now = StoreRef{Store: mem, Name: "file"}, &out, func() time.Time { return testNow }
		if err := List(ctx, o); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	table := list(ListOptions{})
	want := `HOST        PATH          USERNAME  TOKEN                EXPIRES            STORE
github.com  -             alice     ghp_****` + classic[36:] + `         expires in 3 days  file
github.com  acme/app.git  bob       github_pat_****bob9  -                  file
gitlab.com  -             oauth2    glpat-****gl42       expired            file
`
	if table != want {
		t.Fatalf("list:\n%s\nwant:\n%s", table, want)
	}
	var entries []ListEntry
	if err := json.Unmarshal([]byte(list(ListOptions{JSON: true})), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[0].Token != "ghp_****"+classic[36:] || entries[0].ExpiresAt != "2026-11-29T12:00:00Z" ||
		entries[0].Expiry != "expires in 3 days" || !entries[2].Expired || entries[1].Path != "acme/app.git" || entries[1].ExpiresAt != "" {
		t.Fatalf("json entries: %+v", entries)
	}
	if !strings.Contains(list(ListOptions{JSON: true, ShowToken: true}), `"token": "`+classic+`"`) {
		t.Fatal("--show-token did not show the token")
	}

	var out bytes.Buffer
	err := List(ctx, ListOptions{StoreRef: StoreRef{Store: unlisted{mem}, Name: "keychain"}, Stdout: &out})
	if err == nil || err.Error() != "list: store keychain cannot list its entries; use its own tools to see them, or keep tokens in --store file" {
		t.Fatalf("unlisted store: %v", err)
	}

	logout := func(o LogoutOptions) (string, error) {
		var out bytes.Buffer
		o.StoreRef, o.Stdout = StoreRef{Store: mem, Name: "file"}, &out
		err := Logout(ctx, o)
		return out.String(), err
	}
	if _, err := logout(LogoutOptions{Host: "github.com"}); err == nil ||
		!strings.Contains(err.Error(), "2 tokens match github.com (https://alice@github.com, https://bob@github.com/acme/app.git); pick one with --username or --path, or remove them all with --all") {
		t.Fatalf("ambiguous logout: %v", err)
	}
	if got, err := logout(LogoutOptions{Host: "github.com", Username: "carol", HasUsername: true}); err != nil || got != "Nothing to remove: no token for github.com, username carol in store file; it holds tokens for github.com, gitlab.com (see them with git-credential-pat list).\n" {
		t.Fatalf("no match: %q %v", got, err)
	}
	got, err := logout(LogoutOptions{Host: "github.com", Username: "alice", HasUsername: true})
	if err != nil || got != "Removed https://alice@github.com (ghp_****"+classic[36:]+") from store file\n" {
		t.Fatalf("logout alice: %q %v", got, err)
	}
	if es, _ := mem.List(ctx); len(es) != 2 {
		t.Fatalf("%d entries left, want 2", len(es))
	}
	got, err = logout(LogoutOptions{All: true})
	if err != nil || strings.Count(got, "Removed ") != 2 || !strings.Contains(got, "https://oauth2@gitlab.com (glpat-****gl42)") {
		t.Fatalf("logout --all: %q %v", got, err)
	}
	if es, _ := mem.List(ctx); len(es) != 0 {
		t.Fatalf("%d entries left after --all", len(es))
	}

	// A store that cannot list: the erase goes through, and is checked.
	add("github.com", "", "alice", classic, 0)
	out.Reset()
	err = Logout(ctx, LogoutOptions{StoreRef: StoreRef{Store: unlisted{mem}, Name: "keychain"}, Host: "github.com", Stdout: &out})
	if err != nil || !strings.Contains(out.String(), "Removed every token for github.com from store keychain") {
		t.Fatalf("unlisted logout: %q %v", out.String(), err)
	}
	if es, _ := mem.List(ctx); len(es) != 0 {
		t.Fatal("unlisted logout left the entry")
	}
	err = Logout(ctx, LogoutOptions{StoreRef: StoreRef{Store: unlisted{mem}, Name: "keychain"}, All: true, Stdout: &out})
	if err == nil || !strings.Contains(err.Error(), "--all needs --host") {
		t.Fatalf("unlisted --all: %v", err)
	}
}

// Several stores (list of every store git uses): each entry names its
// store, and stores of one kind are told apart by what differs.
func TestStoreLabels(t *testing.T) {
	for _, tc := range []struct {
		refs []StoreRef
		want []string
	}{
		{[]StoreRef{{Name: "file"}}, []string{"file"}},
		{[]StoreRef{{Name: "file"}, {Name: "cache"}}, []string{"file", "cache"}},
		{[]StoreRef{{Name: "file", FilePath: "/a"}, {Name: "file", FilePath: "/b"}}, []string{"file:/a", "file:/b"}},
		{[]StoreRef{{Name: "cache", Flags: []string{"--socket", "/s1"}}, {Name: "cache"}}, []string{"cache:/s1", "cache"}},
		{[]StoreRef{{Name: "cache", Flags: []string{"--timeout", "1h"}}, {Name: "cache"}}, []string{"cache --timeout 1h", "cache"}},
	} {
		if got := storeLabels(tc.refs); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("storeLabels = %q, want %q", got, tc.want)
		}
	}
}

// With several stores, one that cannot list hides none of the others: list
// prints what it has and then fails, naming the store it left out.
func TestListSeveralStoresOneFails(t *testing.T) {
	ctx := context.Background()
	mem := &storetest.Memory{}
	c := credential.Credential{Protocol: "https", Host: "example.com"}
	c.SetUsername("alice")
	c.SetPassword("ghp_" + strings.Repeat("a", 36))
	if err := mem.Store(ctx, c); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := List(ctx, ListOptions{
		StoreRef: StoreRef{Store: unlisted{mem}, Name: "keychain"},
		Others:   []StoreRef{{Store: mem, Name: "file"}},
		Stdout:   &out,
	})
	if err == nil || !strings.Contains(err.Error(), "leave out store keychain: store keychain cannot list") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(out.String(), "example.com") {
		t.Errorf("the file store's entries are missing:\n%s", out.String())
	}
}

// An invalid port is refused by loginTarget, before a token is read, sent
// or stored: git would never ask for such an entry.
func TestLoginTargetPort(t *testing.T) {
	for _, tc := range []struct {
		host, want string
	}{
		{"example.com:8443", ""},
		{"https://example.com:8443", ""},
		{"example.com:notaport", `host "example.com:notaport" has an invalid port`},
		{"https://example.com:notaport", `host "example.com:notaport" has an invalid port`},
		{"alice@example.com:0", `host "example.com:0" has an invalid port`},
		{"example.com:65536", `host "example.com:65536" has an invalid port`},
	} {
		_, err := loginTarget("login", LoginOptions{Host: tc.host})
		if (err == nil) != (tc.want == "") || err != nil && (!strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "login --host example.com:8443")) {
			t.Errorf("loginTarget(--host %s) = %v; want error %q", tc.host, err, tc.want)
		}
	}
}

// rotate's errors about its flags name rotate, not login.
func TestLoginTargetNamesTheCommand(t *testing.T) {
	for _, host := range []string{"example.com:x", "exa mple.com", "example.com:"} {
		_, err := loginTarget("rotate", LoginOptions{Host: host})
		if err == nil || !strings.HasPrefix(err.Error(), "rotate: ") || strings.Contains(err.Error(), "login") {
			t.Errorf("rotate --host %q: %v", host, err)
		}
	}
	if _, err := loginTarget("login", LoginOptions{Host: "example.com:"}); err == nil || !strings.Contains(err.Error(), `drop the ":"`) {
		t.Errorf("login --host example.com: = %v; want the trailing colon named", err)
	}
}
