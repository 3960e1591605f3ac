//go:build fakecloudapi

package api

import (
	"net/url"
	"os"

	"github.com/git-credential-pat/git-credential-pat/credential"
)

// FakeCloudAPIEnv points dev.azure.com's, api.bitbucket.org's and
// huggingface.co's API at a test server, in binaries built with -tags
// fakecloudapi only: the e2e tests build one to reach their TLS fake. A
// binary built without the tag (go install, install.sh, releases) has no
// such variable, so nothing a user sets can send an Azure DevOps,
// Bitbucket or Hugging Face token anywhere else. Even
// here it takes only https on this machine.
const FakeCloudAPIEnv = "GIT_CREDENTIAL_PAT_FAKE_CLOUD_API"

func init() {
	v := os.Getenv(FakeCloudAPIEnv)
	if u, err := url.Parse(v); v != "" && err == nil && u.Scheme == "https" && u.User == nil && u.Path == "" && credential.IsLoopback(u.Host) {
		cloudAPI.azure, cloudAPI.bitbucket, cloudAPI.huggingface = v, v, v
	}
}
