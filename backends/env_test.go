package backends

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// envOf returns a Getenv that sees only vars.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestEnvStoreGet(t *testing.T) {
	type env = map[string]string
	tests := []struct {
		name     string
		env      env
		in       []string // request lines
		wantUser string   // "" means not found
		wantPass string
	}{
		{"nothing set", env{}, []string{"protocol=https", "host=github.com"}, "", ""},
		{"GH_TOKEN on github.com", env{"GH_TOKEN": "gh1"},
			[]string{"protocol=https", "host=github.com"}, "x-access-token", "gh1"},
		{"GITHUB_TOKEN on github.com", env{"GITHUB_TOKEN": "gh2"},
			[]string{"protocol=https", "host=github.com", "path=org/repo.git"}, "x-access-token", "gh2"},
		{"GH_TOKEN beats GITHUB_TOKEN", env{"GH_TOKEN": "gh1", "GITHUB_TOKEN": "gh2"},
			[]string{"protocol=https", "host=github.com"}, "x-access-token", "gh1"},
		{"host is case-insensitive, :443 is github.com", env{"GH_TOKEN": "gh1"},
			[]string{"protocol=https", "host=GitHub.com:443"}, "x-access-token", "gh1"},
		{"GH_TOKEN not for other hosts", env{"GH_TOKEN": "gh1", "GITHUB_TOKEN": "gh2"},
			[]string{"protocol=https", "host=gitlab.com"}, "", ""},
		{"GH_TOKEN not for a lookalike host", env{"GH_TOKEN": "gh1"},
			[]string{"protocol=https", "host=github.com.evil.example"}, "", ""},
		{"GH_TOKEN not for another port", env{"GH_TOKEN": "gh1"},
			[]string{"protocol=https", "host=github.com:8443"}, "", ""},
		{"GITLAB_TOKEN on gitlab.com", env{"GITLAB_TOKEN": "gl1"},
			[]string{"protocol=https", "host=gitlab.com"}, "oauth2", "gl1"},
		{"GITLAB_TOKEN not for github.com", env{"GITLAB_TOKEN": "gl1"},
			[]string{"protocol=https", "host=github.com"}, "", ""},
		{"GITLAB_TOKEN not for self-hosted GitLab", env{"GITLAB_TOKEN": "gl1"},
			[]string{"protocol=https", "host=gitlab.example.com"}, "", ""},
		{"CI_JOB_TOKEN for CI_SERVER_FQDN", env{"CI_JOB_TOKEN": "job1", "CI_SERVER_FQDN": "gitlab.example.com:8443"},
			[]string{"protocol=https", "host=gitlab.example.com:8443"}, "gitlab-ci-token", "job1"},
		{"CI_JOB_TOKEN for CI_SERVER_HOST on 443", env{"CI_JOB_TOKEN": "job1", "CI_SERVER_HOST": "gitlab.com", "CI_SERVER_PORT": "443", "CI_SERVER_PROTOCOL": "https"},
			[]string{"protocol=https", "host=gitlab.com"}, "gitlab-ci-token", "job1"},
		{"CI_JOB_TOKEN beats no request username only with its own", env{"CI_JOB_TOKEN": "job1", "CI_SERVER_HOST": "gitlab.com"},
			[]string{"protocol=https", "host=gitlab.com", "username=alice"}, "", ""},
		{"CI_JOB_TOKEN not for another host", env{"CI_JOB_TOKEN": "job1", "CI_SERVER_HOST": "gitlab.example.com"},
			[]string{"protocol=https", "host=github.com"}, "", ""},
		{"CI_JOB_TOKEN not for another port", env{"CI_JOB_TOKEN": "job1", "CI_SERVER_HOST": "gitlab.example.com", "CI_SERVER_PORT": "8443"},
			[]string{"protocol=https", "host=gitlab.example.com"}, "", ""},
		{"CI_JOB_TOKEN without a server host: for no host", env{"CI_JOB_TOKEN": "job1"},
			[]string{"protocol=https", "host=gitlab.com"}, "", ""},
		{"CI_JOB_TOKEN of an http GitLab: never sent", env{"CI_JOB_TOKEN": "job1", "CI_SERVER_HOST": "gitlab.example.com", "CI_SERVER_PROTOCOL": "http"},
			[]string{"protocol=https", "host=gitlab.example.com"}, "", ""},
		{"GITLAB_TOKEN beats CI_JOB_TOKEN on gitlab.com", env{"GITLAB_TOKEN": "gl1", "CI_JOB_TOKEN": "job1", "CI_SERVER_HOST": "gitlab.com"},
			[]string{"protocol=https", "host=gitlab.com"}, "oauth2", "gl1"},
		{"SYSTEM_ACCESSTOKEN for the collection's host", env{"SYSTEM_ACCESSTOKEN": "az1", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/fabrikam/"},
			[]string{"protocol=https", "host=dev.azure.com", "path=fabrikam/app/_git/app"}, "token", "az1"},
		{"SYSTEM_ACCESSTOKEN not for another host", env{"SYSTEM_ACCESSTOKEN": "az1", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/fabrikam/"},
			[]string{"protocol=https", "host=github.com"}, "", ""},
		{"SYSTEM_ACCESSTOKEN without a collection URI: for no host", env{"SYSTEM_ACCESSTOKEN": "az1"},
			[]string{"protocol=https", "host=dev.azure.com"}, "", ""},
		{"SYSTEM_ACCESSTOKEN of an http collection: never sent", env{"SYSTEM_ACCESSTOKEN": "az1", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI": "http://tfs.example.com/DefaultCollection/"},
			[]string{"protocol=https", "host=tfs.example.com"}, "", ""},
		{"GH_ENTERPRISE_TOKEN for GH_HOST", env{"GH_ENTERPRISE_TOKEN": "ghe1", "GH_HOST": "GHE.Example.com"},
			[]string{"protocol=https", "host=ghe.example.com"}, "x-access-token", "ghe1"},
		{"GH_ENTERPRISE_TOKEN not for other hosts", env{"GH_ENTERPRISE_TOKEN": "ghe1", "GH_HOST": "ghe.example.com"},
			[]string{"protocol=https", "host=other.example.com"}, "", ""},
		{"GH_ENTERPRISE_TOKEN needs GH_HOST", env{"GH_ENTERPRISE_TOKEN": "ghe1"},
			[]string{"protocol=https", "host=ghe.example.com"}, "", ""},
		{"GH_ENTERPRISE_TOKEN never for github.com", env{"GH_ENTERPRISE_TOKEN": "ghe1", "GH_HOST": "github.com"},
			[]string{"protocol=https", "host=github.com"}, "", ""},
		{"GH_TOKEN not for the enterprise host", env{"GH_TOKEN": "gh1", "GH_HOST": "ghe.example.com"},
			[]string{"protocol=https", "host=ghe.example.com"}, "", ""},
		{"generic token without GIT_CREDENTIAL_PAT_HOST: for no host", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1"},
			[]string{"protocol=https", "host=git.example.org:8443"}, "", ""},
		{"generic token without GIT_CREDENTIAL_PAT_HOST: not even github.com", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1"},
			[]string{"protocol=https", "host=github.com"}, "", ""},
		{"generic token for its host", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "git.example.org:8443"},
			[]string{"protocol=https", "host=git.example.org:8443"}, "token", "any1"},
		{"generic token for a host in a list", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "codeberg.org, Git.Example.org:8443 ,other.example"},
			[]string{"protocol=https", "host=git.example.org:8443"}, "token", "any1"},
		{"generic token for the host of an https URL", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "https://git.example.org/"},
			[]string{"protocol=https", "host=git.example.org"}, "token", "any1"},
		{"generic token: :443 is the same host", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "git.example.org:443"},
			[]string{"protocol=https", "host=git.example.org"}, "token", "any1"},
		{"generic token not for another host", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "git.example.org"},
			[]string{"protocol=https", "host=evil.example"}, "", ""},
		{"generic token not for a lookalike host", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "git.example.org"},
			[]string{"protocol=https", "host=git.example.org.evil.example"}, "", ""},
		{"generic token not for a subdomain", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "example.org"},
			[]string{"protocol=https", "host=git.example.org"}, "", ""},
		{"generic token not for another port", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "git.example.org"},
			[]string{"protocol=https", "host=git.example.org:8443"}, "", ""},
		{"generic token not for an entry with userinfo", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "evil.example@git.example.org"},
			[]string{"protocol=https", "host=git.example.org"}, "", ""},
		{"generic token not for an http URL entry", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "http://git.example.org"},
			[]string{"protocol=https", "host=git.example.org"}, "", ""},
		{"generic token not for a host with a path", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "git.example.org/group"},
			[]string{"protocol=https", "host=git.example.org"}, "", ""},
		{"generic token on github.com uses the GitHub username", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "github.com"},
			[]string{"protocol=https", "host=github.com"}, "x-access-token", "any1"},
		{"generic token beats forge tokens on its host", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "github.com", "GH_TOKEN": "gh1"},
			[]string{"protocol=https", "host=github.com"}, "x-access-token", "any1"},
		{"forge tokens answer where the generic token does not belong", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "gitlab.example.com", "GH_TOKEN": "gh1"},
			[]string{"protocol=https", "host=github.com"}, "x-access-token", "gh1"},
		{"empty variable counts as unset", env{"GIT_CREDENTIAL_PAT_TOKEN": "", "GITHUB_TOKEN": "gh2"},
			[]string{"protocol=https", "host=github.com"}, "x-access-token", "gh2"},
		{"username override", env{"GH_TOKEN": "gh1", "GIT_CREDENTIAL_PAT_USERNAME": "ci-bot"},
			[]string{"protocol=https", "host=github.com"}, "ci-bot", "gh1"},
		{"username override must match the request's", env{"GH_TOKEN": "gh1", "GIT_CREDENTIAL_PAT_USERNAME": "ci-bot"},
			[]string{"protocol=https", "host=github.com", "username=alice"}, "", ""},
		{"username override matching the request's", env{"GH_TOKEN": "gh1", "GIT_CREDENTIAL_PAT_USERNAME": "ci-bot"},
			[]string{"protocol=https", "host=github.com", "username=ci-bot"}, "ci-bot", "gh1"},
		{"the request's username is kept", env{"GH_TOKEN": "gh1"},
			[]string{"protocol=https", "host=github.com", "username=alice"}, "alice", "gh1"},
		{"url attribute", env{"GH_TOKEN": "gh1"},
			[]string{"url=https://github.com/org/repo.git"}, "x-access-token", "gh1"},
		{"plain http refused", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "github.com", "GH_TOKEN": "gh1"},
			[]string{"protocol=http", "host=github.com"}, "", ""},
		{"plain http allowed for localhost", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "localhost:8080"},
			[]string{"protocol=http", "host=localhost:8080"}, "token", "any1"},
		{"plain http allowed for 127.0.0.1", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "127.0.0.1:3000"},
			[]string{"protocol=http", "host=127.0.0.1:3000"}, "token", "any1"},
		{"plain http allowed for ::1", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "[::1]:3000"},
			[]string{"protocol=http", "host=[::1]:3000"}, "token", "any1"},
		{"plain http: an entry without a port means https, not port 80", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "localhost"},
			[]string{"protocol=http", "host=localhost"}, "", ""},
		{"plain http: :443 is not https", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "localhost"},
			[]string{"protocol=http", "host=localhost:443"}, "", ""},
		{"plain http: another port refused", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "localhost:8080"},
			[]string{"protocol=http", "host=localhost:8081"}, "", ""},
		{"plain http refused for a lookalike of localhost", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "localhost.evil.example"},
			[]string{"protocol=http", "host=localhost.evil.example"}, "", ""},
		{"ssh and others refused", env{"GIT_CREDENTIAL_PAT_TOKEN": "any1", "GIT_CREDENTIAL_PAT_HOST": "github.com"},
			[]string{"protocol=ssh", "host=github.com"}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open("env", Options{Getenv: envOf(tc.env)})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			in := strings.Join(tc.in, "\n") + "\n"
			// AllowHTTP: the env store must refuse plain http on its own.
			srv := &credential.Server{Store: s, AllowHTTP: true}
			if err := srv.Serve(context.Background(), "get", strings.NewReader(in), &out); err != nil {
				t.Fatalf("get: %v", err)
			}
			want := ""
			if tc.wantUser != "" {
				want = "username=" + tc.wantUser + "\npassword=" + tc.wantPass + "\n"
			}
			if out.String() != want {
				t.Fatalf("get:\n%s\nwant:\n%s", out.String(), want)
			}
		})
	}
}

// Store and erase change nothing and never fail; a get afterwards answers
// exactly as before.
func TestEnvStoreIsReadOnly(t *testing.T) {
	s := &EnvStore{Getenv: envOf(map[string]string{"GH_TOKEN": "gh1"})}
	ctx := context.Background()
	q := credential.Credential{Protocol: "https", Host: "github.com"}
	c := q
	c.SetUsername("someone")
	c.SetPassword("other")
	if err := s.Store(ctx, c); err != nil {
		t.Fatalf("store: %v", err)
	}
	if got, err := s.Get(ctx, q); err != nil || got.Password != "gh1" || got.Username != "x-access-token" {
		t.Fatalf("after store: %+v, %v", got.Redacted(), err)
	}
	c.SetPassword("gh1")
	if err := s.Erase(ctx, c); err != nil {
		t.Fatalf("erase: %v", err)
	}
	if got, err := s.Get(ctx, q); err != nil || got.Password != "gh1" {
		t.Fatalf("after erase: %+v, %v", got.Redacted(), err)
	}
	if _, err := s.Get(ctx, credential.Credential{Protocol: "https", Host: "example.com"}); !errors.Is(err, credential.ErrNotFound) {
		t.Fatalf("other host: %v, want ErrNotFound", err)
	}
	if _, ok := any(s).(credential.Lister); ok {
		t.Fatal("EnvStore lists: it is documented not to")
	}
}

// A generic token that goes nowhere says why, once per get, and never
// names the host that asked (the server's choice) as one to add.
func TestEnvStoreWarnsWhenTheTokenHasNoHost(t *testing.T) {
	type env = map[string]string
	tests := []struct {
		name string
		env  env
		want string // "" means no warning
	}{
		{"no host named", env{EnvToken: "any1"}, "GIT_CREDENTIAL_PAT_TOKEN is set but GIT_CREDENTIAL_PAT_HOST is not"},
		{"blank host list", env{EnvToken: "any1", EnvHost: " , "}, "GIT_CREDENTIAL_PAT_TOKEN is set but GIT_CREDENTIAL_PAT_HOST is not"},
		{"an entry that is no host", env{EnvToken: "any1", EnvHost: "git.example.org, https://u@x/"}, "GIT_CREDENTIAL_PAT_HOST: 1 of its entries name no host"},
		{"another variable answers", env{EnvToken: "any1", "GH_HOST": "evil.example", "GH_ENTERPRISE_TOKEN": "ghe1"}, ""},
		{"another host named", env{EnvToken: "any1", EnvHost: "git.example.org"}, ""},
		{"no generic token", env{EnvHost: "git.example.org"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var warnings []string
			s := &EnvStore{Getenv: envOf(tc.env), Warn: func(m string) { warnings = append(warnings, m) }}
			_, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "evil.example"})
			if answered := tc.env["GH_ENTERPRISE_TOKEN"] != ""; answered != (err == nil) {
				t.Fatalf("get: %v, want an answer: %v", err, answered)
			}
			switch {
			case tc.want == "" && len(warnings) > 0:
				t.Fatalf("warnings %q, want none", warnings)
			case tc.want != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tc.want)):
				t.Fatalf("warnings %q, want one containing %q", warnings, tc.want)
			}
			for _, w := range warnings {
				if strings.Contains(w, "evil.example") || strings.Contains(w, "any1") || strings.Contains(w, "u@x") {
					t.Fatalf("warning %q names the asking host, the token or the entry", w)
				}
			}
			// The look before a store or an erase says nothing: git's get did.
			warnings = nil
			if _, err := s.Get(credential.Peeking(context.Background()), credential.Credential{Protocol: "https", Host: "evil.example"}); len(warnings) > 0 {
				t.Fatalf("peeking get: %v, warnings %q; want none", err, warnings)
			}
		})
	}
}

// With no Getenv the store reads the process environment.
func TestEnvStoreDefaultsToProcessEnv(t *testing.T) {
	t.Setenv(EnvToken, "from-process-env")
	t.Setenv(EnvHost, "example.com")
	t.Setenv(EnvUsername, "")
	s, err := Open("env", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(context.Background(), credential.Credential{Protocol: "https", Host: "example.com"})
	if err != nil || got.Password != "from-process-env" {
		t.Fatalf("got %+v, %v", got.Redacted(), err)
	}
}
