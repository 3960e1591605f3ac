package forge

import (
	"slices"
	"testing"
)

func TestTokenHosts(t *testing.T) {
	tests := []struct {
		list  string
		hosts []string
		bad   int
	}{
		{"", nil, 0},
		{" , ,", nil, 0},
		{"git.example.org", []string{"git.example.org"}, 0},
		{"a.example,b.example:8443\tc.example\nd.example", []string{"a.example", "b.example:8443", "c.example", "d.example"}, 0},
		{"https://git.example.org/group/", []string{"git.example.org"}, 0},
		{"HTTPS://Git.Example.org:8443", []string{"Git.Example.org:8443"}, 0},
		{"[::1]:3000, [fe80::1]", []string{"[::1]:3000", "[fe80::1]"}, 0},
		{"127.0.0.1:3000", []string{"127.0.0.1:3000"}, 0},
		{"https://[::1]:3000/, HTTPS://[fe80::1]", []string{"[::1]:3000", "[fe80::1]"}, 0},
		// Entries that name no host, or not one host for certain.
		{"http://git.example.org", nil, 1},
		{"ssh://git.example.org", nil, 1},
		{"git.example.org/group", nil, 1},
		{"evil.example@git.example.org", nil, 1},
		{"https://evil.example@git.example.org/", nil, 1},
		{"git.example.org:port", nil, 1},
		{"git.example.org?x", nil, 1},
		{"[::1", nil, 1},
		{"[::1]x", nil, 1},
		{"*.example.org", nil, 1},
		{"good.example, bad/example", []string{"good.example"}, 1},
	}
	for _, tc := range tests {
		hosts, bad := TokenHosts(tc.list)
		if !slices.Equal(hosts, tc.hosts) || bad != tc.bad {
			t.Errorf("TokenHosts(%q) = %q, %d; want %q, %d", tc.list, hosts, bad, tc.hosts, tc.bad)
		}
	}
}

func TestHasPort(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": false, "localhost:8080": true, "localhost:": false,
		"[::1]": false, "[::1]:3000": true, "127.0.0.1:443": true,
	} {
		if got := HasPort(host); got != want {
			t.Errorf("HasPort(%q) = %v, want %v", host, got, want)
		}
	}
}
