package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/git-credential-pat/git-credential-pat/forge"
)

// fakeBitbucketDC answers like Bitbucket Data Center: application-properties
// to anyone; projects and users to a bearer token in tokens, whose value
// is the user it acts as ("carol", a person; "bot-acme", a service user;
// "" names no user). It records every Authorization header it saw.
func fakeBitbucketDC(t *testing.T, tokens map[string]string) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.URL.Path == "/rest/api/1.0/application-properties" {
			w.Write([]byte(`{"version":"9.4.2","buildNumber":"9004002","buildDate":"1712345678901","displayName":"Bitbucket"}`))
			return
		}
		user, ok := tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if !ok || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"errors":[{"context":null,"message":"Authentication failed. Please check your credentials and try again.","exceptionName":"com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"}]}`))
			return
		}
		if user != "" {
			w.Header().Set("X-AUSERNAME", user)
		}
		switch {
		case r.URL.Path == "/rest/api/1.0/projects":
			w.Write([]byte(`{"size":0,"limit":1,"isLastPage":true,"values":[],"start":0}`))
		case r.URL.Path == "/rest/api/1.0/users/"+user && user == "carol":
			json.NewEncoder(w).Encode(map[string]any{"name": "carol", "slug": "carol", "type": "NORMAL", "active": true})
		case r.URL.Path == "/rest/api/1.0/users/"+user && user == "bot-acme":
			json.NewEncoder(w).Encode(map[string]any{"name": "bot-acme", "slug": "bot-acme", "type": "SERVICE", "active": true})
		case r.URL.Path == "/rest/api/1.0/users/"+user && strings.HasPrefix(user, "odd"):
			// A person whose name the server gives as it pleases.
			json.NewEncoder(w).Encode(map[string]any{"name": user, "slug": "odd", "type": "NORMAL", "active": true})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &auths
}

func TestVerifyBitbucketDC(t *testing.T) {
	const personal, project, nameless, hidden = "BBDC-personal000000000000000000000000000000000", "BBDC-project0000000000000000000000000000000000", "MDM0MjM5NDc2MDnameless00000000000", "MDM0MjM5NDc2MDhiddenuser0000000"
	// Names the server may send in X-AUSERNAME, and confirm as a person's,
	// that are no username to store for git: a C1 control (NEL), a
	// bidirectional override, a colon (which Basic auth cannot carry),
	// and one far longer than any user name (longer than a line of git's
	// credential protocol as this helper reads it).
	odd := map[string]string{
		"BBDC-oddc1000000000000000000000000000000000000":  "odd\u0085carol",
		"BBDC-oddbidi00000000000000000000000000000000000": "odd\u202ecarol",
		"BBDC-oddcolon0000000000000000000000000000000000": "odd:carol",
		"BBDC-oddhuge00000000000000000000000000000000000": "odd" + strings.Repeat("a", 70<<10),
	}
	tokens := map[string]string{personal: "carol", project: "bot-acme", nameless: "", hidden: "dave"}
	for tok, name := range odd {
		tokens[tok] = name
	}
	srv, auths := fakeBitbucketDC(t, tokens)
	host := strings.TrimPrefix(srv.URL, "https://")
	ctx := context.Background()
	api, err := Base(host, forge.KindBitbucketDC)
	if err != nil || api != "https://"+host+"/rest/api/1.0" {
		t.Fatalf("Base = %q, %v", api, err)
	}
	for _, tc := range []struct {
		name, token string
		login       string
		bearerOnly  bool
		err         error
	}{
		{"personal token: its user, Basic", personal, "carol", false, nil},
		{"project token: a service user, bearer only", project, "", true, nil},
		{"no user named: bearer only", nameless, "", true, nil},
		{"user not readable: bearer only", hidden, "", true, nil},
		{"unknown token: rejected", "BBDC-revoked000000000000000000000000000000000", "", false, ErrTokenRejected},
		{"a C1 control in the name: bearer only", "BBDC-oddc1000000000000000000000000000000000000", "", true, nil},
		{"a bidi override in the name: bearer only", "BBDC-oddbidi00000000000000000000000000000000000", "", true, nil},
		{"a colon in the name: bearer only", "BBDC-oddcolon0000000000000000000000000000000000", "", true, nil},
		{"a huge name: bearer only", "BBDC-oddhuge00000000000000000000000000000000000", "", true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			*auths = nil
			v, err := Verify(ctx, srv.Client(), forge.KindBitbucketDC, api, tc.token)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "Authentication failed") || strings.Contains(err.Error(), tc.token) {
					t.Fatalf("error %q", err)
				}
				return
			}
			if v.Login != tc.login || v.BearerOnly != tc.bearerOnly || !v.ExpiryUnknown {
				t.Fatalf("%+v, want login %q bearerOnly %v", v, tc.login, tc.bearerOnly)
			}
			for _, a := range *auths {
				if a != "Bearer "+tc.token {
					t.Fatalf("sent Authorization %q, want only the bearer token", a)
				}
			}
		})
	}
	if v, ok := ProbeBitbucketDC(ctx, srv.Client(), host); !ok || v != "9.4.2" {
		t.Errorf("ProbeBitbucketDC = %q, %v", v, ok)
	}
	gitea := fakeForges(t, map[string]string{})
	for _, h := range []string{strings.TrimPrefix(gitea.URL, "https://"), "127.0.0.1:1", "*.example.com"} {
		if _, ok := ProbeBitbucketDC(ctx, gitea.Client(), h); ok {
			t.Errorf("ProbeBitbucketDC(%s) said Bitbucket", h)
		}
	}
}
