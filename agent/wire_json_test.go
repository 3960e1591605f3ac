package agent

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

var wireRequests = []request{
	{Action: actGet, Cred: []byte("protocol=https\nhost=example.com\n")},
	{Action: actStore, Cred: []byte("password=<&>\xff\n")},
	{Action: actList},
	{Action: "x\u2028\"", Cred: []byte{}},
}

func TestAppendRequestLikeEncodingJSON(t *testing.T) {
	for _, req := range wireRequests {
		if got, want := appendRequest(nil, req), jsonEncode(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	}
}

func FuzzAppendRequest(f *testing.F) {
	for _, r := range wireRequests {
		f.Add(r.Action, r.Cred)
	}
	f.Fuzz(func(t *testing.T, action string, cred []byte) {
		req := request{Action: action, Cred: cred}
		if got, want := appendRequest(nil, req), jsonEncode(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	})
}

var wireReplies = []reply{
	{Status: stOK, Cred: []byte("protocol=https\nhost=a\nusername=u\npassword=p\n")},
	{Status: stNotFound},
	{Status: stRefused, Error: "not confirmed <in time> & \xff"},
	{Status: stError, Error: "x", Cred: []byte{}},
}

func TestParseReplyLikeEncodingJSON(t *testing.T) {
	for _, r := range wireReplies {
		data := jsonEncode(t, r)
		var got, want reply
		if err := parseReply(bytes.TrimSpace(data), &got); err != nil {
			t.Fatalf("parseReply(%s): %v", data, err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("parseReply(%s) = %+v, encoding/json %+v", data, got, want)
		}
	}
	if err := parseReply([]byte(`{"status":"ok","info":{"pid":1}}`), new(reply)); err == nil {
		t.Error("parseReply took a reply with info to a get")
	}
}

// FuzzParseReply: whatever parseReply accepts, encoding/json accepts too,
// with the same values; and it never panics.
func FuzzParseReply(f *testing.F) {
	for _, r := range wireReplies {
		f.Add(jsonEncode(f, r))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got reply
		if parseReply(data, &got) != nil {
			return
		}
		var want reply
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("parseReply accepted %q, encoding/json did not: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("parseReply(%q) = %+v, encoding/json %+v", data, got, want)
		}
	})
}

func BenchmarkParseReply(b *testing.B) {
	data, _ := json.Marshal(reply{Status: stOK, Cred: []byte("protocol=https\nhost=example.com\nusername=u\npassword=ghp_0123456789abcdefghijklmnopqrstuvwxyz\n")})
	for b.Loop() {
		var r reply
		if err := parseReply(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}
