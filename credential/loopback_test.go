package credential

import (
	"net"
	"strings"
	"testing"
)

// netIsLoopback is IsLoopback as it was written with package net; the
// version without net must answer the same for every input.
func netIsLoopback(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.Trim(h, "[]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

var loopbackCases = []struct {
	host string
	want bool
}{
	{"127.0.0.1", true},
	{"127.1.2.3", true},
	{"127.255.255.255:65535", true},
	{"127.0.0.1:8080", true},
	{"127.0.0.1:", true},     // an empty port splits too
	{"127.0.0.1:abc", true},  // SplitHostPort does not check the port
	{"[127.0.0.1]:80", true}, // brackets around IPv4 split too
	{"127.0.0.01", false},    // leading zeros are refused (Go 1.17+)
	{"127.1", false},         // no short forms
	{"0x7f.1", false},        // no hex IPv4
	{"0177.0.0.1", false},    // no octal
	{"127.0.0.256", false},   // out of range
	{"127.0.0.1.", false},    // trailing dot
	{"127.0.0.1.nip.io", false},
	{"128.0.0.1", false},
	{"1.2.3.4.5", false},
	{"::1", true},
	{"[::1]", true},
	{"[::1]:8080", true},
	{"[::1]:", true},
	{"0:0:0:0:0:0:0:1", true},
	{"0000:0000:0000:0000:0000:0000:0000:0001", true},
	{"0:0::1", true},
	{"::0:1", true},
	{"::00001", false},         // five digits
	{"::ffff:127.0.0.1", true}, // IPv4-mapped
	{"::FFFF:127.9.9.9", true},
	{"[::ffff:127.0.0.1]:443", true},
	{"::ffff:7f00:1", true}, // the same, in hex
	{"::127.0.0.1", false},  // IPv4-compatible is not IPv4-mapped
	{"::ffff:128.0.0.1", false},
	{"::ffff:127.0.0.01", false},
	{"1::ffff:127.0.0.1", false},
	{"::1%lo", false}, // a zone is refused by net.ParseIP
	{"[::1%lo]:80", false},
	{"::1%", false},
	{"::", false},
	{"::2", false},
	{"1::", false},
	{"::1::", false},
	{"1:2:3:4:5:6:7:8:9", false},
	{"1:2:3:4:5:6:7::8", false}, // :: standing for no group
	{"0:0:0:0:0:0:0:0:1", false},
	{"::1]", true},    // brackets are trimmed from both ends...
	{"[[::1]]", true}, // ...however many
	{"[::1", true},
	{"[[::1]]:80", false},
	{"::1:80", false}, // an unbracketed IPv6 address with a port is another address
	{"localhost", true},
	{"LOCALHOST", true},
	{"LocalHost:3000", true},
	{"localhost:", true},
	{"[localhost]:80", true},
	{"[localhost]", true},
	{"localhost.", false}, // the fully qualified form was never accepted
	{"LOCALHOST.", false},
	{"localhost]:80", false}, // a stray ']' does not split
	{"local[host]:80", false},
	{"localhost:80:90", false},
	{"localhost.localdomain", false},
	{"sub.localhost", false},
	{"", false},
	{":", false},
	{":80", false},
	{"[]", false},
	{"[]:80", false},
	{"github.com", false},
	{"github.com:443", false},
	{"%", false},
	{"garbage \x00\xff", false},
	{"1.2.3.4%eth0", false},
}

func TestIsLoopback(t *testing.T) {
	for _, tc := range loopbackCases {
		got, old := IsLoopback(tc.host), netIsLoopback(tc.host)
		if got != tc.want || old != tc.want {
			t.Errorf("IsLoopback(%q) = %v, with package net %v; want %v", tc.host, got, old, tc.want)
		}
	}
}

// FuzzIsLoopback holds IsLoopback, and the parser under it, to what
// package net answers.
func FuzzIsLoopback(f *testing.F) {
	for _, tc := range loopbackCases {
		f.Add(tc.host)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if got, want := IsLoopback(host), netIsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, with package net %v", host, got, want)
		}
		_, _, err := net.SplitHostPort(host)
		if got, want := splitsHostPort(host), err == nil; got != want {
			t.Errorf("splitsHostPort(%q) = %v, net.SplitHostPort's error %v", host, got, err)
		}
		ip, ok := parseIP(host)
		want := net.ParseIP(host)
		if ok != (want != nil) || ok && net.IP(ip[:]).String() != want.String() {
			t.Errorf("parseIP(%q) = %v %v, net.ParseIP %v", host, net.IP(ip[:]), ok, want)
		}
	})
}
