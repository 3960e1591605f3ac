package cache

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// The client writes requests and reads replies without encoding/json
// (internal/jsonwire); the daemon, and daemons of older versions, use
// encoding/json. These tests hold the two to the same bytes and values.

func jsonRequest(t testing.TB, req request) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(req); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var wireRequests = []request{
	{Action: actGet, Cred: []byte("protocol=https\nhost=example.com\n")},
	{Action: actStore, Cred: []byte("protocol=https\nhost=h\nusername=u\npassword=p<&>\n"), Timeout: 8 * time.Hour},
	{Action: actRemember, Cred: []byte("q"), Answer: []byte{0, 0xff}, Timeout: -1, Space: "file:/home/u/.git-credentials \u2028 \xff"},
	{Action: actForget, Entries: true},
	{Action: actStatus},
	{Action: "", Cred: []byte{}, Answer: []byte{}},
}

func TestAppendRequestLikeEncodingJSON(t *testing.T) {
	for _, req := range wireRequests {
		if got, want := appendRequest(nil, req), jsonRequest(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	}
}

func FuzzAppendRequest(f *testing.F) {
	for _, r := range wireRequests {
		f.Add(r.Action, r.Cred, r.Answer, int64(r.Timeout), r.Space, r.Entries)
	}
	f.Fuzz(func(t *testing.T, action string, cred, answer []byte, timeout int64, space string, entries bool) {
		req := request{Action: action, Cred: cred, Answer: answer, Timeout: time.Duration(timeout), Space: space, Entries: entries}
		if got, want := appendRequest(nil, req), jsonRequest(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	})
}

// sameReply compares what parseReply and encoding/json decoded.
func sameReply(t *testing.T, data []byte, got, want reply) {
	t.Helper()
	var gotInfo *StatusInfo
	if got.info != nil {
		gotInfo = new(StatusInfo)
		if err := json.Unmarshal(got.info, gotInfo); err != nil {
			t.Fatalf("info of %s: %v", data, err)
		}
	}
	got.info = nil
	if !reflect.DeepEqual(gotInfo, want.Info) {
		t.Errorf("info of %s = %+v, encoding/json %+v", data, gotInfo, want.Info)
	}
	want.Info = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseReply(%s) = %+v, encoding/json %+v", data, got, want)
	}
}

var wireReplies = []reply{
	{Status: stOK},
	{Status: stNotFound},
	{Status: stError, Error: "cache: \"x\" <bad> & \n\xff"},
	{Status: stOK, Creds: [][]byte{[]byte("protocol=https\nhost=a\n"), {}, nil, {0xff, 0}}},
	{Status: stOK, Info: &StatusInfo{Running: true, PID: 42, Entries: 3, NextExpiry: time.Date(2026, 11, 27, 10, 0, 0, 5, time.UTC), RSS: 1 << 20}},
}

func TestParseReplyLikeEncodingJSON(t *testing.T) {
	for _, r := range wireReplies {
		data := jsonRequestAny(t, r)
		var got, want reply
		if err := parseReply(data, &got); err != nil {
			t.Fatalf("parseReply(%s): %v", data, err)
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		sameReply(t, data, got, want)
	}
	for _, in := range []string{
		` {"status" : "ok" , "creds" : [ "cHJvdG9jb2w9aHR0cHMK" , null ] , "unknown" : {"a":[1,2.5e3,true,false,null]} }`,
		`{"status":"ok","creds":null,"info":null,"error":null}`,
		`{"status":"ok","creds":[]}`,
		`{"status":"\u006fk","error":"\ud83d\ude00\/"}`,
		`{"status":"ok","creds":["cHJv\r\ndG9j"]}`,
	} {
		var got, want reply
		if err := parseReply([]byte(in), &got); err != nil {
			t.Fatalf("parseReply(%s): %v", in, err)
		}
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		sameReply(t, []byte(in), got, want)
	}
}

func jsonRequestAny(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzParseReply: whatever parseReply accepts, encoding/json accepts too,
// with the same values; and it never panics.
func FuzzParseReply(f *testing.F) {
	for _, r := range wireReplies {
		f.Add(jsonRequestAny(f, r))
	}
	f.Add([]byte(`{"status":"ok","creds":["",null],"x":{"y":[-0.1e-2]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got reply
		if parseReply(data, &got) != nil {
			return
		}
		if got.info != nil {
			var in StatusInfo
			if json.Unmarshal(got.info, &in) != nil {
				return // info is wrong for StatusInfo: Status reports it, as encoding/json would have
			}
		}
		var want reply
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("parseReply accepted %q, encoding/json did not: %v", data, err)
		}
		sameReply(t, data, got, want)
	})
}

func BenchmarkAppendRequest(b *testing.B) {
	req := wireRequests[0]
	buf := make([]byte, 0, 256)
	for b.Loop() {
		buf = appendRequest(buf[:0], req)
	}
}

func BenchmarkParseReply(b *testing.B) {
	data, _ := json.Marshal(reply{Status: stOK, Creds: [][]byte{[]byte("protocol=https\nhost=example.com\nusername=u\npassword=ghp_0123456789abcdefghijklmnopqrstuvwxyz\n")}})
	for b.Loop() {
		var r reply
		if err := parseReply(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseReplyEncodingJSON(b *testing.B) {
	data, _ := json.Marshal(reply{Status: stOK, Creds: [][]byte{[]byte("protocol=https\nhost=example.com\nusername=u\npassword=ghp_0123456789abcdefghijklmnopqrstuvwxyz\n")}})
	for b.Loop() {
		var r reply
		if err := json.Unmarshal(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}
