module github.com/git-credential-pat/git-credential-pat

go 1.26.8
