package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// The client writes get, store and erase requests and reads their replies
// without encoding/json (internal/jsonwire); the agent, and agents of older
// versions, use encoding/json. These tests hold the two to the same bytes
// and values.

func jsonEncode(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var wireRequests = []Request{
	{Action: ActGet, Cred: []byte("protocol=https\nhost=example.com\n")},
	{Action: ActStore, Cred: []byte("password=<&>\xff\n")},
	{Action: ActList},
	{Action: ActAnswered, Cred: []byte("protocol=https\nhost=example.com\n"), Answer: "00ff"},
	{Action: "x\u2028\"", Cred: []byte{}},
}

func TestAppendRequestLikeEncodingJSON(t *testing.T) {
	for _, req := range wireRequests {
		if got, want := AppendRequest(nil, req), jsonEncode(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	}
}

func FuzzAppendRequest(f *testing.F) {
	for _, r := range wireRequests {
		f.Add(r.Action, r.Cred)
	}
	f.Fuzz(func(t *testing.T, action string, cred []byte) {
		req := Request{Action: action, Cred: cred}
		if got, want := AppendRequest(nil, req), jsonEncode(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	})
}

var wireReplies = []Reply{
	{Status: StOK, Cred: []byte("protocol=https\nhost=a\nusername=u\npassword=p\n")},
	{Status: StNotFound},
	{Status: StRefused, Error: "not confirmed <in time> & \xff"},
	{Status: StError, Error: "x", Cred: []byte{}},
}

func TestParseReplyLikeEncodingJSON(t *testing.T) {
	for _, r := range wireReplies {
		data := jsonEncode(t, r)
		var got, want Reply
		if err := ParseReply(bytes.TrimSpace(data), &got); err != nil {
			t.Fatalf("parseReply(%s): %v", data, err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("parseReply(%s) = %+v, encoding/json %+v", data, got, want)
		}
	}
	if err := ParseReply([]byte(`{"status":"ok","info":{"pid":1}}`), new(Reply)); err == nil {
		t.Error("parseReply took a reply with info to a get")
	}
}

// FuzzParseReply: whatever ParseReply accepts, encoding/json accepts too,
// with the same values; and it never panics.
func FuzzParseReply(f *testing.F) {
	for _, r := range wireReplies {
		f.Add(jsonEncode(f, r))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Reply
		if ParseReply(data, &got) != nil {
			return
		}
		var want Reply
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("parseReply accepted %q, encoding/json did not: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("parseReply(%q) = %+v, encoding/json %+v", data, got, want)
		}
	})
}

func BenchmarkParseReply(b *testing.B) {
	data, _ := json.Marshal(Reply{Status: StOK, Cred: []byte("protocol=https\nhost=example.com\nusername=u\npassword=ghp_0123456789abcdefghijklmnopqrstuvwxyz\n")})
	for b.Loop() {
		var r Reply
		if err := ParseReply(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}
