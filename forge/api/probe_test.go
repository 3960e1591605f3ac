package api

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

type recordingTransport struct{ asked []string }

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.asked = append(t.asked, r.URL.String())
	return nil, errors.New("no network in this test")
}

// Every probe of an unknown host asks only a host an API may be asked
// (askableHost): not a wildcard host, nor one whose "#", "?" or "/"
// would end the host in the URL and send the request elsewhere.
// Regression test: ProbeGitea asked any host it was given.
func TestProbesAskOnlyAskableHosts(t *testing.T) {
	probes := map[string]func(context.Context, *http.Client, string) (string, bool){
		"Gitea": ProbeGitea, "Bitbucket Data Center": ProbeBitbucketDC, "Gerrit": ProbeGerrit,
	}
	for name, probeHost := range probes {
		for _, host := range []string{"gitea.*", "*.example.com", "evil.example#.good.example", "evil.example?x", "evil.example/x"} {
			tr := &recordingTransport{}
			if _, ok := probeHost(context.Background(), &http.Client{Transport: tr}, host); ok || len(tr.asked) > 0 {
				t.Errorf("%s probe of %q: ok %v, asked %q", name, host, ok, tr.asked)
			}
		}
		tr := &recordingTransport{}
		probeHost(context.Background(), &http.Client{Transport: tr}, "code.example.com")
		if len(tr.asked) != 1 {
			t.Errorf("%s probe of code.example.com asked %q: the test proves nothing", name, tr.asked)
		}
	}
}
