module github.com/git-credential-pat/git-credential-pat

go 1.25.0

require (
	github.com/godbus/dbus/v5 v5.2.2
	github.com/rogpeppe/go-internal v1.16.0
	github.com/spf13/pflag v1.0.10
	github.com/zalando/go-keyring v0.2.8
	golang.org/x/sys v0.44.0
	golang.org/x/term v0.26.0
)

require (
	github.com/danieljoos/wincred v1.2.3 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
