package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// An API that answers with a redirect (to plain http on another port, or
// anywhere) is not followed: Go's client would carry GitLab's PRIVATE-TOKEN
// anywhere and the Authorization header to the same host over plain http.
// Each verifier reports the API as unreachable and the token goes nowhere
// else.
func TestAPIRedirectsAreNotFollowed(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		leaked = append(leaked, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+r.Header.Get("PRIVATE-TOKEN"))
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer sink.Close()
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, sink.URL+r.URL.Path, code)
		}))
		ctx := context.Background()
		calls := []struct {
			name string
			call func() error
		}{
			{"GitHub", func() error { _, err := VerifyGitHub(ctx, api.Client(), api.URL, "ghp_SECRET"); return err }},
			{"GitLab", func() error { _, err := VerifyGitLab(ctx, api.Client(), api.URL+"/api/v4", "glpat-SECRET"); return err }},
			{"Gitea", func() error { _, err := VerifyGitea(ctx, api.Client(), api.URL+"/api/v1", "gitea-SECRET"); return err }},
			{"Hugging Face", func() error {
				_, err := VerifyHuggingFace(ctx, api.Client(), api.URL+"/api", "hf_SECRET")
				return err
			}},
			{"Bitbucket Data Center", func() error {
				_, err := VerifyBitbucketDC(ctx, api.Client(), api.URL+"/rest/api/1.0", "BBDC-SECRET")
				return err
			}},
			{"Gerrit", func() error {
				_, err := VerifyGerrit(ctx, api.Client(), api.URL, "alice", "gerrit-SECRET")
				return err
			}},
			{"GitLab rotate", func() error {
				_, _, err := RotateGitLab(ctx, api.Client(), api.URL+"/api/v4", "glpat-SECRET", time.Now().Add(time.Hour))
				return err
			}},
		}
		for _, c := range calls {
			err := c.call()
			if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "redirect") {
				t.Errorf("%s, %d: err = %v; want the API reported unreachable because of the redirect", c.name, code, err)
			}
		}
		api.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(leaked) > 0 {
		t.Fatalf("requests followed the redirect to plain http: %q", leaked)
	}
}
