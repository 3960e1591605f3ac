package cli

import (
	"reflect"
	"testing"
)

func TestParseSSH(t *testing.T) {
	tests := []struct {
		in, host, path string
		ok             bool
	}{
		{"git@github.com:acme/app.git", "github.com", "acme/app.git", true},
		{"git@github.com:/acme/app.git", "github.com", "acme/app.git", true},
		{"github.com:acme/app", "github.com", "acme/app", true},
		{"git@GitHub.com:acme/app.git", "github.com", "acme/app.git", true},
		{"ssh://git@github.com/acme/app.git", "github.com", "acme/app.git", true},
		{"ssh://git@gitlab.example.com:2222/group/sub/app.git", "gitlab.example.com", "group/sub/app.git", true},
		{"git+ssh://git@codeberg.org/acme/app.git", "codeberg.org", "acme/app.git", true},
		{"ssh+git://bitbucket.org/acme/app.git", "bitbucket.org", "acme/app.git", true},
		{"ssh://git@ssh.github.com:443/acme/app.git", "github.com", "acme/app.git", true},
		{"git@altssh.gitlab.com:acme/app.git", "gitlab.com", "acme/app.git", true},
		{"git@hf.co:acme/model", "huggingface.co", "acme/model", true}, // Hugging Face's SSH host; HTTPS is on huggingface.co
		{"ssh://git@hf.co/datasets/acme/data", "huggingface.co", "datasets/acme/data", true},
		{"ssh://git@[::1]:22/srv/app.git", "[::1]", "srv/app.git", true},
		{"[git@host.example:22]:acme/app.git", "host.example", "acme/app.git", true},
		{"[::1]:srv/app.git", "[::1]", "srv/app.git", true},

		{"https://github.com/acme/app.git", "", "", false},
		{"http://github.com/acme/app.git", "", "", false},
		{"file:///srv/app.git", "", "", false},
		{"/srv/app.git", "", "", false},
		{"./dir:with/colon", "", "", false},
		{"../app.git", "", "", false},
		{"ssh://git@host.example/~alice/app.git", "", "", false},
		{"git@host.example:~alice/app.git", "", "", false},
		{"git@github.com:", "", "", false},
	}
	for _, tc := range tests {
		host, path, ok := parseSSH(tc.in)
		if host != tc.host || path != tc.path || ok != tc.ok {
			t.Errorf("parseSSH(%q) = %q, %q, %v; want %q, %q, %v", tc.in, host, path, ok, tc.host, tc.path, tc.ok)
		}
	}
}

func TestPlanFixes(t *testing.T) {
	hosts := newTokenHosts([]string{"git.example.com:8443", "gitea.internal"})
	one := func(name, raw string) remoteURL {
		return remoteURL{Remote: name, Raw: raw, Effective: raw, PushToo: true, PushEffective: raw, Count: 1}
	}
	type want struct {
		cmd, newURL string
		haveToken   bool
	}
	tests := []struct {
		name  string
		urls  []remoteURL
		rules []rewriteRule
		want  []want
	}{
		{"scp-like github", []remoteURL{one("origin", "git@github.com:acme/app.git")}, nil,
			[]want{{"git remote set-url origin https://github.com/acme/app.git", "https://github.com/acme/app.git", false}}},
		{"ssh:// with port on a token host keeps the token's https port", []remoteURL{one("up", "ssh://git@git.example.com:2222/team/app.git")}, nil,
			[]want{{"git remote set-url up https://git.example.com:8443/team/app.git", "https://git.example.com:8443/team/app.git", true}}},
		{"ssh on a token host", []remoteURL{one("origin", "gitea.internal:ops/tools")}, nil,
			[]want{{"git remote set-url origin https://gitea.internal/ops/tools", "https://gitea.internal/ops/tools", true}}},
		{"Hugging Face's SSH host", []remoteURL{one("origin", "git@hf.co:datasets/acme/data")}, nil,
			[]want{{"git remote set-url origin https://huggingface.co/datasets/acme/data", "https://huggingface.co/datasets/acme/data", false}}},
		{"unknown host left alone", []remoteURL{one("origin", "git@example.org:x/y.git")}, nil, nil},
		{"https left alone", []remoteURL{one("origin", "https://github.com/acme/app.git")}, nil, nil},
		{"plain http on a forge", []remoteURL{one("origin", "http://gitlab.com/acme/app.git")}, nil,
			[]want{{"git remote set-url origin https://gitlab.com/acme/app.git", "https://gitlab.com/acme/app.git", false}}},
		{"plain http with an unknown port left alone", []remoteURL{one("origin", "http://gitea.internal:3000/ops/tools")}, nil, nil},
		{"pushurl", []remoteURL{
			{Remote: "origin", Raw: "https://github.com/acme/app.git", Effective: "https://github.com/acme/app.git", Count: 1},
			{Remote: "origin", Push: true, Raw: "git@github.com:acme/app.git", Effective: "git@github.com:acme/app.git", Count: 1},
		}, nil, []want{{"git remote set-url --push origin https://github.com/acme/app.git", "https://github.com/acme/app.git", false}}},
		{"one of two fetch URLs", []remoteURL{
			{Remote: "all", Raw: "https://gitlab.com/acme/app.git", Effective: "https://gitlab.com/acme/app.git", Count: 2, PushToo: true, PushEffective: "https://gitlab.com/acme/app.git"},
			{Remote: "all", Raw: "git@github.com:acme/app.git", Effective: "git@github.com:acme/app.git", Count: 2, PushToo: true, PushEffective: "git@github.com:acme/app.git"},
		}, nil, []want{{`git remote set-url all https://github.com/acme/app.git '^git@github\.com:acme/app\.git$'`, "https://github.com/acme/app.git", false}}},
		{"already rewritten to https by insteadOf", []remoteURL{
			{Remote: "origin", Raw: "git@github.com:acme/app.git", Effective: "https://github.com/acme/app.git", PushToo: true, PushEffective: "https://github.com/acme/app.git", Count: 1},
		}, nil, nil},
		{"https rewritten to SSH by insteadOf", []remoteURL{
			{Remote: "origin", Raw: "https://github.com/acme/app.git", Effective: "git@github.com:acme/app.git", PushToo: true, PushEffective: "git@github.com:acme/app.git", Count: 1},
		}, []rewriteRule{{Scope: "global", Base: "git@github.com:", Key: "insteadOf", Value: "https://github.com/"}},
			[]want{{`git config --global --unset url.git@github.com:.insteadOf '^https://github\.com/$'`, "https://github.com/acme/app.git", false}}},
		{"pushes rewritten to SSH by pushInsteadOf", []remoteURL{
			{Remote: "origin", Raw: "https://github.com/acme/app.git", Effective: "https://github.com/acme/app.git", PushToo: true, PushEffective: "git@github.com:acme/app.git", Count: 1},
		}, []rewriteRule{
			{Scope: "global", Base: "git@github.com:", Key: "insteadOf", Value: "https://github.com/"},
			{Scope: "local", Base: "git@github.com:", Key: "pushInsteadOf", Value: "https://github.com/"},
		}, []want{{`git config --local --unset url.git@github.com:.pushInsteadOf '^https://github\.com/$'`, "https://github.com/acme/app.git", false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []want
			for _, f := range planFixes(tc.urls, tc.rules, hosts) {
				got = append(got, want{f.Command(), f.NewURL, f.HaveToken})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestQuoteERE(t *testing.T) {
	if got, want := quoteERE(`a.b+c(d)[e]{f}*g?h^i$j|k\l`), `a\.b\+c\(d\)\[e\]\{f\}\*g\?h\^i\$j\|k\\l`; got != want {
		t.Fatalf("quoteERE = %s, want %s", got, want)
	}
}
