package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// Client and daemon write and read without encoding/json
// (internal/jsonwire); daemons and clients of older versions used
// encoding/json. These tests hold the two to the same bytes and values.

func jsonRequest(t testing.TB, req Request) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(req); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var wireRequests = []Request{
	{Action: ActGet, Cred: []byte("protocol=https\nhost=example.com\n")},
	{Action: ActStore, Cred: []byte("protocol=https\nhost=h\nusername=u\npassword=p<&>\n"), Timeout: 8 * time.Hour},
	{Action: ActRemember, Cred: []byte("q"), Answer: []byte{0, 0xff}, Timeout: -1, Space: "file:/home/u/.git-credentials \u2028 \xff"},
	{Action: ActForget, Entries: true},
	{Action: ActStatus},
	{Action: "", Cred: []byte{}, Answer: []byte{}},
}

func TestAppendRequestLikeEncodingJSON(t *testing.T) {
	for _, req := range wireRequests {
		if got, want := AppendRequest(nil, req), jsonRequest(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	}
}

func FuzzAppendRequest(f *testing.F) {
	for _, r := range wireRequests {
		f.Add(r.Action, r.Cred, r.Answer, int64(r.Timeout), r.Space, r.Entries)
	}
	f.Fuzz(func(t *testing.T, action string, cred, answer []byte, timeout int64, space string, entries bool) {
		req := Request{Action: action, Cred: cred, Answer: answer, Timeout: time.Duration(timeout), Space: space, Entries: entries}
		if got, want := AppendRequest(nil, req), jsonRequest(t, req); !bytes.Equal(got, want) {
			t.Errorf("appendRequest(%+v) =\n%s\nencoding/json:\n%s", req, got, want)
		}
	})
}

// sameReply compares what ParseReply and encoding/json decoded.
func sameReply(t *testing.T, data []byte, got, want Reply) {
	t.Helper()
	var gotInfo *StatusInfo
	if got.InfoJSON != nil {
		gotInfo = new(StatusInfo)
		if err := json.Unmarshal(got.InfoJSON, gotInfo); err != nil {
			t.Fatalf("info of %s: %v", data, err)
		}
	}
	got.InfoJSON = nil
	if !reflect.DeepEqual(gotInfo, want.Info) {
		t.Errorf("info of %s = %+v, encoding/json %+v", data, gotInfo, want.Info)
	}
	want.Info = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseReply(%s) = %+v, encoding/json %+v", data, got, want)
	}
}

var wireReplies = []Reply{
	{Status: StOK},
	{Status: StNotFound},
	{Status: StError, Error: "cache: \"x\" <bad> & \n\xff"},
	{Status: StOK, Creds: [][]byte{[]byte("protocol=https\nhost=a\n"), {}, nil, {0xff, 0}}},
	{Status: StOK, Info: &StatusInfo{Running: true, PID: 42, Entries: 3, NextExpiry: time.Date(2026, 11, 27, 10, 0, 0, 5, time.UTC), RSS: 1 << 20}},
}

func TestParseReplyLikeEncodingJSON(t *testing.T) {
	for _, r := range wireReplies {
		data := jsonRequestAny(t, r)
		var got, want Reply
		if err := ParseReply(data, &got); err != nil {
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
		var got, want Reply
		if err := ParseReply([]byte(in), &got); err != nil {
			t.Fatalf("parseReply(%s): %v", in, err)
		}
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		sameReply(t, []byte(in), got, want)
	}
}

// The daemon's replies are the bytes encoding/json's Encoder wrote for
// them before AppendReply, Info included (marshalled by the daemon).
func TestAppendReplyLikeEncodingJSON(t *testing.T) {
	for _, r := range wireReplies {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(r); err != nil {
			t.Fatal(err)
		}
		if r.Info != nil {
			r.InfoJSON = jsonRequestAny(t, r.Info)
		}
		if got := AppendReply(nil, r); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("AppendReply(%+v) =\n%s\nencoding/json:\n%s", r, got, want.Bytes())
		}
	}
}

func FuzzAppendReply(f *testing.F) {
	for _, r := range wireReplies {
		var c0, c1 []byte
		if len(r.Creds) > 1 {
			c0, c1 = r.Creds[0], r.Creds[len(r.Creds)-1]
		}
		f.Add(r.Status, r.Error, c0, c1, uint8(len(r.Creds)-1))
	}
	f.Fuzz(func(t *testing.T, status, errText string, c0, c1 []byte, n uint8) {
		r := Reply{Status: status, Error: errText}
		for i := range int(n % 5) {
			r.Creds = append(r.Creds, [][]byte{c0, c1, nil}[i%3])
		}
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(r); err != nil {
			t.Fatal(err)
		}
		if got := AppendReply(nil, r); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("AppendReply(%+v) =\n%s\nencoding/json:\n%s", r, got, want.Bytes())
		}
	})
}

func jsonRequestAny(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzParseReply: whatever ParseReply accepts, encoding/json accepts too,
// with the same values; and it never panics.
func FuzzParseReply(f *testing.F) {
	for _, r := range wireReplies {
		f.Add(jsonRequestAny(f, r))
	}
	f.Add([]byte(`{"status":"ok","creds":["",null],"x":{"y":[-0.1e-2]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Reply
		if ParseReply(data, &got) != nil {
			return
		}
		if got.InfoJSON != nil {
			var in StatusInfo
			if json.Unmarshal(got.InfoJSON, &in) != nil {
				return // info is wrong for StatusInfo: Status reports it, as encoding/json would have
			}
		}
		var want Reply
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
		buf = AppendRequest(buf[:0], req)
	}
}

func BenchmarkParseReply(b *testing.B) {
	data, _ := json.Marshal(Reply{Status: StOK, Creds: [][]byte{[]byte("protocol=https\nhost=example.com\nusername=u\npassword=ghp_0123456789abcdefghijklmnopqrstuvwxyz\n")}})
	for b.Loop() {
		var r Reply
		if err := ParseReply(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseReplyEncodingJSON(b *testing.B) {
	data, _ := json.Marshal(Reply{Status: StOK, Creds: [][]byte{[]byte("protocol=https\nhost=example.com\nusername=u\npassword=ghp_0123456789abcdefghijklmnopqrstuvwxyz\n")}})
	for b.Loop() {
		var r Reply
		if err := json.Unmarshal(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// Status decodes the daemon's StatusInfo with ParseStatus; the daemon
// writes it with encoding/json.
var wireStatuses = []string{
	`{"running":true,"pid":42,"entries":3,"next_expiry":"2026-11-27T10:00:00.000000005Z","rss":1048576}`,
	`{"running":true,"entries":0}`,
	`{"running":false,"pid":null,"entries":null,"next_expiry":null,"rss":null}`,
	`{}`,
	` { "entries" : -0 , "next_expiry" : "2026-11-27T11:00:00+01:00" , "later" : [ {"x": 1.5e3} ] } `,
	`{"pid":9223372036854775807,"rss":-9223372036854775808}`,
}

func TestParseStatusLikeEncodingJSON(t *testing.T) {
	for _, in := range append(wireStatuses,
		string(jsonRequestAny(t, StatusInfo{Running: true, PID: 7, Entries: 10_000, NextExpiry: time.Now(), RSS: 12 << 20})),
		string(jsonRequestAny(t, StatusInfo{}))) {
		var got, want StatusInfo
		gotErr, wantErr := ParseStatus([]byte(in), &got), json.Unmarshal([]byte(in), &want)
		if wantErr != nil {
			if gotErr == nil {
				t.Errorf("ParseStatus(%s) accepted what encoding/json refuses: %v", in, wantErr)
			}
			continue
		}
		if gotErr != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseStatus(%s) = %+v, %v; encoding/json %+v", in, got, gotErr, want)
		}
	}
	for _, in := range []string{
		`{"running":1}`, `{"pid":1.0}`, `{"pid":1e3}`, `{"entries":"3"}`, `{"rss":9223372036854775808}`,
		`{"next_expiry":"yesterday"}`, `{"next_expiry":5}`, `[]`, `"info"`, `{"pid":1,}`, `{"running":true,"running":false}`, `{"PID":1}`,
	} {
		var got StatusInfo
		if err := ParseStatus([]byte(in), &got); err == nil {
			t.Errorf("ParseStatus(%s) = %+v, want an error", in, got)
		}
	}
}

// FuzzParseStatus: whatever ParseStatus accepts, encoding/json accepts
// too, with the same values.
func FuzzParseStatus(f *testing.F) {
	for _, s := range wireStatuses {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want StatusInfo
		if ParseStatus(data, &got) != nil {
			return
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("ParseStatus accepted %q, encoding/json did not: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseStatus(%q) = %+v, encoding/json %+v", data, got, want)
		}
	})
}

// The daemon reads requests with ParseRequest; clients of every version
// write them as encoding/json does.
func TestParseRequestLikeEncodingJSON(t *testing.T) {
	inputs := []string{
		` {"action" : "get" , "cred" : "cHJvdG9jb2w9aHR0cHMK" , "unknown" : {"a":[1,2.5e3,true,false,null]} }`,
		`{"action":"store","cred":null,"answer":null,"timeout":null,"space":null,"entries":null}`,
		`{"action":"\u0067et","space":"\ud83d\ude00\/","cred":"cHJv\r\ndG9j","answer":""}`,
		`{"action":"forget","entries":false,"timeout":-0}`,
		`{"timeout":9223372036854775807}`,
		`{}`,
	}
	for _, req := range wireRequests {
		inputs = append(inputs, string(AppendRequest(nil, req)))
	}
	for _, in := range inputs {
		var got, want Request
		if err := ParseRequest([]byte(in), &got); err != nil {
			t.Errorf("ParseRequest(%s): %v", in, err)
			continue
		}
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseRequest(%s) = %+v, encoding/json %+v", in, got, want)
		}
	}
	// Malformed or ambiguous requests are refused, not guessed at.
	for _, in := range []string{
		``, `null`, `[]`, `"get"`, `{"action":"get"`, `{"action":"get",}`, `{"action":get}`,
		`{"action":"get","action":"store"}`, `{"Action":"get"}`, `{"CRED":"eA=="}`,
		`{"cred":"not base64!"}`, `{"cred":5}`, `{"timeout":1.5}`, `{"timeout":1e3}`, `{"timeout":"1s"}`,
		`{"timeout":9223372036854775808}`, `{"entries":1}`, `{"space":"\ud800"}`, "{\"space\":\"\xff\"}",
		`{"action":"get"} x`,
	} {
		var got Request
		if err := ParseRequest([]byte(in), &got); err == nil {
			t.Errorf("ParseRequest(%q) = %+v, want an error", in, got)
		}
	}
}

// FuzzParseRequest: whatever ParseRequest accepts, encoding/json accepts
// too, with the same values; and it never panics.
func FuzzParseRequest(f *testing.F) {
	for _, r := range wireRequests {
		f.Add(AppendRequest(nil, r))
	}
	f.Add([]byte(`{"action":"get","cred":"","x":{"y":[-0.1e-2]},"timeout":-5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want Request
		if ParseRequest(data, &got) != nil {
			return
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("ParseRequest accepted %q, encoding/json did not: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ParseRequest(%q) = %+v, encoding/json %+v", data, got, want)
		}
	})
}

func BenchmarkParseRequest(b *testing.B) {
	data := AppendRequest(nil, wireRequests[0])
	for b.Loop() {
		var r Request
		if err := ParseRequest(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}
