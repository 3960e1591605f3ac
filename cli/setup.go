package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/git-credential-pat/git-credential-pat/backends"
	"github.com/git-credential-pat/git-credential-pat/credential"
	"github.com/git-credential-pat/git-credential-pat/forge"
	"github.com/git-credential-pat/git-credential-pat/internal/gitconfig"
	"github.com/git-credential-pat/git-credential-pat/internal/shquote"
	"github.com/git-credential-pat/git-credential-pat/internal/xdg"
)

// SetupOptions says where setup writes and which helper line it writes.
type SetupOptions struct {
	Scope      string   // "global", "local" or "system"
	HelperArgs []string // flags to put after the binary, e.g. --store file
	Exe        string   // the binary git should run; default: this one
	Dir        string   // working directory for git (matters for --local)
	Out        io.Writer

	// Validate, when set, checks the flags of the line setup is about to
	// write (or keep), before anything is written.
	Validate func(args []string) error

	// RewriteSSH makes setup also add url.https://HOST/.insteadOf for
	// git@HOST: and ssh://git@HOST/, so SSH remotes of those hosts go over
	// HTTPS with the token. Unconfigure always removes such lines.
	RewriteSSH   bool
	RewriteHosts []string // default: github.com
}

const binaryName = "git-credential-pat"

// HelperLine returns the credential.helper value setup writes: an absolute
// path (so it works even when the install directory is not on PATH) and
// the flags, shell-quoted because git runs it through the shell. git runs
// a value that starts with an absolute path as it is, but prefixes any
// other with "git credential-", so a path that needs quotes (a space; on
// Windows forward slashes avoid quoting C:\...) gets a "!" in front.
func HelperLine(exe string, args []string) string {
	words := append([]string{filepath.ToSlash(exe)}, args...)
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	line := strings.Join(words, " ")
	if strings.HasPrefix(line, "'") {
		line = "!" + line
	}
	return line
}

func shellQuote(s string) string { return shquote.Quote(s) }

// IsOurHelper reports whether a credential.helper value runs this program,
// as git runs a helper: a value starting with "!" is a shell command, one
// starting with an absolute path is run as it is, and git prefixes any
// other with "git credential-" (so "pat" runs git-credential-pat, but
// "git-credential-pat" or "bin/git-credential-pat" run nothing of ours).
func IsOurHelper(v string) bool {
	value := strings.TrimSpace(v)
	v = strings.TrimPrefix(value, "!")
	if v != value { // a shell command
		if gitCredentialPat(value, splitWords(v)) {
			return true
		}
	} else if !gitAbsolutePath(v) {
		// git runs "git credential-VALUE" through the shell: the first
		// word the shell makes of it (tabs and quotes as the shell sees
		// them) names the program.
		w := splitWords("credential-" + v)
		return len(w) > 0 && (w[0] == "credential-pat" || w[0] == "credential-pat-cli")
	}
	// The first word as the shell sees it ('/my dir/git-credential-pat'),
	// or up to the first space (C:\bin\git-credential-pat.exe unquoted).
	var firsts []string
	if w := splitWords(v); len(w) > 0 {
		firsts = append(firsts, w[0])
	}
	if f := strings.Fields(v); len(f) > 0 {
		firsts = append(firsts, strings.Trim(f[0], `'"`))
	}
	for _, w := range firsts {
		if b := strings.TrimSuffix(filepath.Base(w), ".exe"); b == binaryName || b == binaryName+"-cli" {
			return true
		}
	}
	return false
}

// gitAbsolutePath reports whether git takes a helper value for an absolute
// path and runs it as it is: it starts with "/" (or, on Windows, "\" or a
// drive letter).
func gitAbsolutePath(v string) bool {
	if strings.HasPrefix(v, "/") {
		return true
	}
	return runtime.GOOS == "windows" && (strings.HasPrefix(v, `\`) ||
		len(v) >= 3 && v[1] == ':' && (v[2] == '/' || v[2] == '\\') && ('a' <= v[0]|0x20 && v[0]|0x20 <= 'z'))
}

// Setup makes git use this helper in the chosen scope: an empty
// credential.helper (which resets helpers inherited from wider config) and
// then ours, at the end of the list. Without store flags (HelperArgs), a
// line of ours already in the scope keeps its flags, so running setup (or
// install.sh, or setup --rewrite-ssh) again changes nothing.
func Setup(o SetupOptions) error {
	if err := o.checkRewriteHosts(); err != nil {
		return err
	}
	if err := o.checkScope("setup"); err != nil {
		return err
	}
	exe, err := o.exe()
	if err != nil {
		return err
	}
	cur, err := o.helpers()
	if err != nil {
		return err
	}
	emptyURL, err := o.emptyURLHelpers()
	if err != nil {
		return err
	}
	ctx := context.Background()
	before, err := gitconfig.All(ctx, o.Dir)
	if err != nil {
		return err
	}
	hidden, wider, err := o.hiddenOurs(ctx, before)
	if err != nil {
		return err
	}
	args, keep := o.HelperArgs, ""
	var adopted *helperSetting
	if len(args) == 0 {
		keep, adopted = keptLine(cur, emptyURL, hidden)
		if keep != "" {
			args = HelperArgs(keep)
		} else if adopted != nil {
			args = HelperArgs(adopted.Value)
		}
	}
	if err := o.checkHidden(hidden, args); err != nil {
		return err
	}
	if o.Validate != nil {
		if err := o.Validate(args); err != nil {
			if keep != "" {
				return fmt.Errorf("setup: git config --%s runs %s, which cannot work: %v; nothing changed. Replace it with: git-credential-pat --store NAME setup%s", o.Scope, keep, err, scopeOption(o.Scope))
			}
			return fmt.Errorf("setup: %v; nothing changed", err)
		}
	}
	want := HelperLine(exe, args)
	if keep != "" && sameProgram(keep, exe) {
		want = keep // as it is, quoting and all
	}
	if n := len(cur); n >= 2 && cur[n-2] == "" && cur[n-1] == want {
		fmt.Fprintf(o.Out, "git config --%s already uses %s; nothing changed\n", o.Scope, want)
		o.noteLaterReset(before, args)
		return o.addRewrites()
	}
	if keep != "" && want != keep {
		fmt.Fprintf(o.Out, "git config --%s: keeping the flags of %s (pass store flags to change them); it now runs %s\n", o.Scope, keep, exe)
	}
	if adopted != nil {
		fmt.Fprintf(o.Out, "git config --%s: keeping the flags of %s (%s), whose store git uses now; the line setup adds uses it for every host\n", o.Scope, adopted.Value, lineWhere(*adopted))
	}
	for _, h := range wider {
		o.noteStoreLeft(h.Value, " ("+h.Scope+" config: "+lineWhere(h)+")", args)
	}
	for _, v := range cur {
		// A line of ours that setup replaces with another store.
		if IsOurHelper(v) && v != want && v != keep && mayHoldTokens(v) {
			o.noteStoreLeft(v, "", args)
		}
	}
	kept := withoutOurs(cur)
	if len(kept) != len(cur) {
		if err := o.removeOurs(cur, kept); err != nil {
			return err
		}
	}
	if err := o.removeEmptyURLOurs(emptyURL); err != nil {
		return err
	}
	for _, v := range []string{"", want} {
		if err := o.git("--add", "credential.helper", v); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.Out, "git config --%s: added credential.helper = \"\" (resets helpers from wider config)\n", o.Scope)
	fmt.Fprintf(o.Out, "git config --%s: added credential.helper = %s\n", o.Scope, want)
	after, err := gitconfig.All(ctx, o.Dir)
	if err != nil {
		return err
	}
	o.noteHiddenOthers(othersIn(ctx, o.Dir, before), othersIn(ctx, o.Dir, after), args)
	o.noteLaterReset(after, args)
	return o.addRewrites()
}

// noteStoreLeft says, for a line of ours git will no longer run (where
// names its place, or is ""), that the tokens in its store stay there,
// unless that store is the one of args, the flags of the line setup wrote.
func (o SetupOptions) noteStoreLeft(value, where string, args []string) {
	if same, flags := sameStore(value, args); !same {
		fmt.Fprintln(o.Out, credential.Printable(fmt.Sprintf("git config --%s: note: git will no longer run %s%s; the tokens in its store stay there (see them with: git-credential-pat %s list)", o.Scope, value, where, flags)))
	}
}

// noteLaterReset says when git, with the helper settings all, run where
// setup ran, still runs no
// git-credential-pat: an empty credential.helper in a scope git reads
// later (the repository's .git/config) clears the line setup wrote, for
// hosts no credential.<url>.helper names, or an empty
// credential.<url>.helper that setup's line lands before leaves a URL with
// no helper at all (one followed by other helpers is someone's choice).
// Only the fix resetFix names wins over such a reset.
func (o SetupOptions) noteLaterReset(all []helperSetting, args []string) {
	ctx := context.Background()
	prefix := quoteArgs(args)
	if prefix != "" {
		prefix += " "
	}
	note := func(forWhat string, reset *helperSetting) {
		fmt.Fprintln(o.Out, credential.Printable(fmt.Sprintf("git config --%s: note: %s git still runs no git-credential-pat: an empty %s (%s) comes after this line and clears it; run: %s",
			o.Scope, forWhat, "credential.helper", reset.Where(), resetFix(reset, prefix))))
	}
	if chain, reset, err := gitconfig.ChainFor(ctx, o.Dir, all, ""); err == nil && reset != nil && len(oursOf(chain)) == 0 {
		note("here", reset)
	}
	seen := map[string]bool{}
	for _, h := range all {
		if h.Value != "" || h.URL == "" || seen[h.URL] {
			continue
		}
		seen[h.URL] = true
		if chain, reset, err := gitconfig.ChainFor(ctx, o.Dir, all, h.URL); err == nil && reset != nil && len(chain) == 0 {
			note("for "+redactURL(h.URL), reset)
		}
	}
}

// othersIn returns the helper lines of other programs that git runs for
// some URL with the settings all (gitconfig.Live).
func othersIn(ctx context.Context, dir string, all []helperSetting) []helperSetting {
	var others []helperSetting
	for _, h := range gitconfig.Live(ctx, dir, all) {
		if !IsOurHelper(h.Value) {
			others = append(others, h)
		}
	}
	return others
}

// noteHiddenOthers says which of before, other programs' helper lines git
// ran, the reset setup wrote stops git from running (they are not among
// after), and where their tokens stay: a person who used git's
// credential-store would otherwise find their tokens gone without a word.
// The file of git's store can be ours (args being the flags of the line
// setup wrote).
func (o SetupOptions) noteHiddenOthers(before, after []helperSetting, args []string) {
	still := map[string]bool{}
	for _, h := range after {
		still[h.Origin+"\x00"+h.Key()+"\x00"+h.Value] = true
	}
	for _, h := range before {
		if still[h.Origin+"\x00"+h.Key()+"\x00"+h.Value] {
			continue
		}
		note := fmt.Sprintf("git config --%s: note: git will no longer run %q (%s); ", o.Scope, redactHelper(h.Value), lineWhere(h))
		switch helperName(h.Value) {
		case "store":
			file, also := credentialStoreFile(h.Value)
			if also != "" {
				also = " (and in " + also + ", which git-credential-pat does not read)"
			}
			if storesIn(args, "file") && flagValue(args, "--file") == expandHome(file) {
				note += "git-credential-pat now answers from its file, " + file + also
				break
			}
			fix := "git-credential-pat " + quoteArgs(withFlag(withStore(args, "file"), "--file", file)) + " setup" + scopeOption(o.Scope)
			note += "the tokens it saved stay in " + file + also + "; to have git-credential-pat answer from that file: " + fix
		case "cache":
			note += "the tokens it held in memory are not carried over (git-credential-pat can keep answers in memory too: --cache-for, see git-credential-pat help setup)"
		default:
			note += "what it keeps stays where it keeps it (store a token here with: git-credential-pat login)"
		}
		// The path and the value come from config someone wrote: no
		// control character reaches the terminal.
		fmt.Fprintln(o.Out, credential.Printable(note))
	}
}

// mayHoldTokens reports whether the store of a line of ours may hold
// tokens: false only for a file store whose file is missing or empty, so
// that replacing a line nobody used says nothing.
func mayHoldTokens(v string) bool {
	a := ourHelperArgs(v)
	if a.Store != "file" {
		return true
	}
	path := a.Options.File
	if path == "" {
		var err error
		if path, err = backends.DefaultFilePath(); err != nil {
			return true
		}
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Size() > 0
}

// credentialStoreFile is the file a line of git's credential-store keeps
// tokens in, as a person would type it: its --file, else the file git
// writes by default, ~/.git-credentials (or git's XDG file when only that
// one exists). also is the XDG file when git's store reads both.
func credentialStoreFile(value string) (file, also string) {
	if f := flagValue(splitWords(value), "--file"); f != "" {
		return f, ""
	}
	home, _ := os.UserHomeDir()
	xdgFile := filepath.Join(xdg.GitDir(home), "credentials")
	_, errHome := os.Stat(filepath.Join(home, ".git-credentials"))
	_, errXDG := os.Stat(xdgFile)
	switch {
	case errHome != nil && errXDG == nil:
		return xdgFile, ""
	case errHome == nil && errXDG == nil:
		return "~/.git-credentials", xdgFile
	}
	return "~/.git-credentials", ""
}

// expandHome turns a leading ~/ into the home directory.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// flagValue is the value of flag (--file) in args, or "".
func flagValue(args []string, flag string) string {
	v := ""
	for i, a := range args {
		if f, ok := strings.CutPrefix(a, flag+"="); ok {
			v = f
		} else if a == flag && i+1 < len(args) {
			v = args[i+1]
		}
	}
	return v
}

// withFlag is args with flag set to value, in place of any it had.
func withFlag(args []string, flag, value string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch {
		case strings.HasPrefix(args[i], flag+"="):
		case args[i] == flag:
			i++
		default:
			out = append(out, args[i])
		}
	}
	return append(out, flag, value)
}

// storesIn reports whether the store list args name (the file store when
// they name none) has store.
func storesIn(args []string, store string) bool {
	list := flagValue(args, "--store")
	return list == "" && store == "file" || backends.ListHas(list, store)
}

// withStore is args with store added to the end of its store list.
func withStore(args []string, store string) []string {
	if storesIn(args, store) {
		return args
	}
	return withFlag(args, "--store", flagValue(args, "--store")+","+store)
}

// quoteArgs quotes each word for the shell, except a leading ~/, which
// the shell must see bare to expand.
func quoteArgs(args []string) string {
	words := make([]string, len(args))
	for i, a := range args {
		if rest, ok := strings.CutPrefix(a, "~/"); ok {
			words[i] = "~/" + shellQuote(rest)
		} else {
			words[i] = shellQuote(a)
		}
	}
	return strings.Join(words, " ")
}

// scopeRank orders git's config scopes as git reads them.
var scopeRank = map[string]int{"system": 0, "global": 1, "local": 2, "worktree": 3, "command": 4}

// hiddenOurs returns, from all (gitconfig.All) and the files the scope
// includes, the helper lines of ours that the reset Setup appends
// to the scope's file would stop git from running, other than the ones it
// replaces (the credential.helper and credential..helper lines of ours in
// that file): in the scope, URL-scoped lines, lines in the files it
// includes (whatever the condition, which may hold in another repository)
// and in its other file (the XDG file read before ~/.gitconfig); and, in
// wider, every line of ours in the scopes git reads before it (system for
// --global).
func (o SetupOptions) hiddenOurs(ctx context.Context, all []helperSetting) (hidden, wider []helperSetting, err error) {
	included, err := gitconfig.IncludedHelpers(ctx, o.Dir, o.Scope)
	if err != nil {
		return nil, nil, err
	}
	own, err := gitconfig.List(ctx, o.Dir, gitconfig.HelperPattern, "--"+o.Scope, "--show-origin")
	if err != nil {
		return nil, nil, err
	}
	skip := map[string]bool{}               // what setup replaces, then what was seen
	abs := gitconfig.AbsOrigins(ctx, o.Dir) // as All reports them
	for _, e := range own {
		if e.Key == "credential.helper" || e.Key == "credential..helper" {
			skip[abs(e.Origin)+"\x00"+e.Key+"\x00"+e.Value] = true
		}
	}
	rank := scopeRank[o.Scope]
	for _, h := range append(all, included...) {
		id := h.Origin + "\x00" + h.Key() + "\x00" + h.Value
		if skip[id] || !IsOurHelper(h.Value) {
			continue
		}
		skip[id] = true
		switch r, known := scopeRank[h.Scope]; {
		case !known || r > rank: // read after the scope's file
		case r == rank:
			hidden = append(hidden, h)
		default:
			wider = append(wider, h)
		}
	}
	return hidden, wider, nil
}

// checkHidden refuses, before anything changes, to hide a line of ours in
// the scope whose store is not the one of args (the line setup writes):
// git would stop finding the tokens in it.
func (o SetupOptions) checkHidden(hidden []helperSetting, args []string) error {
	var lines []string
	var fix string
	for _, h := range hidden {
		same, flags := sameStore(h.Value, args)
		if same {
			continue
		}
		lines = append(lines, h.Value+" ("+lineWhere(h)+")")
		if fix == "" {
			fix = "git-credential-pat " + flags + " setup" + scopeOption(o.Scope)
			if file, ok := strings.CutPrefix(h.Origin, "file:"); ok {
				fix += "; or remove the line first: git config --file " + shellQuote(file) + " --unset-all " + shellQuote(h.Key()) + " " + shellQuote("^"+quoteERE(h.Value)+"$")
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("setup: the reset setup adds at the end of git config --%s would stop git from running %s, and from finding the tokens in its store; nothing changed. Use that store for every host: %s", o.Scope, strings.Join(lines, "; "), fix)
}

// lineWhere names a helper setting and its file, for messages.
func lineWhere(h helperSetting) string {
	key := h.Key()
	if h.URL != "" { // a URL in a key may hold a token
		key = "credential." + redactURL(h.URL) + ".helper"
	}
	return credential.Printable(key + " in " + strings.TrimPrefix(h.Origin, "file:"))
}

// Unconfigure removes what Setup added: every helper line that runs this
// program and the empty line just before each. Others' lines stay.
func Unconfigure(o SetupOptions) error {
	if err := o.checkScope("unconfigure"); err != nil {
		return err
	}
	cur, err := o.helpers()
	if err != nil {
		return err
	}
	kept := withoutOurs(cur)
	emptyURL, err := o.emptyURLHelpers()
	if err != nil {
		return err
	}
	if err := o.removeEmptyURLOurs(emptyURL); err != nil {
		return err
	}
	removed := 0
	for _, v := range emptyURL {
		if IsOurHelper(v) {
			removed++
		}
	}
	if removed > 0 {
		fmt.Fprintf(o.Out, "git config --%s: removed %d credential..helper line(s) ([credential \"\"]) that ran git-credential-pat\n", o.Scope, removed)
	}
	rewrites, err := o.removeRewrites()
	if err != nil {
		return err
	}
	removed += rewrites
	paths, err := o.removeHTTPPath()
	if err != nil {
		return err
	}
	removed += paths
	if len(kept) == len(cur) {
		if removed == 0 {
			fmt.Fprintf(o.Out, "git config --%s has no git-credential-pat helper line that setup adds; nothing changed\n", o.Scope)
		}
	} else {
		if err := o.removeOurs(cur, kept); err != nil {
			return err
		}
		fmt.Fprintf(o.Out, "git config --%s: removed %d credential.helper line(s) added by setup\n", o.Scope, len(cur)-len(kept))
	}
	// Lines setup does not write (URL-scoped, in an included or the XDG
	// file) stay: say that git still runs them.
	all, err := gitconfig.All(context.Background(), o.Dir)
	if err != nil {
		return err
	}
	others, _, err := o.hiddenOurs(context.Background(), all)
	if err != nil {
		return err
	}
	for _, h := range others {
		fmt.Fprintf(o.Out, "git config --%s: note: %s (%s) stays: setup did not write it; remove it there if you want it gone\n", o.Scope, h.Value, lineWhere(h))
	}
	return nil
}

// CurrentHelper returns the line of ours whose flags setup without store
// flags keeps in the scope (see Setup): the one git runs first from the
// scope's credential.helper list (currentOurs), else from its [credential
// ""] section, else the first line of ours elsewhere in the scope (an
// included file, the XDG file, a URL-scoped line); "" when there is none.
func CurrentHelper(o SetupOptions) (string, error) {
	cur, err := o.helpers()
	if err != nil {
		return "", err
	}
	emptyURL, err := o.emptyURLHelpers()
	if err != nil {
		return "", err
	}
	if keep, _ := keptLine(cur, emptyURL, nil); keep != "" {
		return keep, nil // the other lines of ours need not be looked for
	}
	all, err := gitconfig.All(context.Background(), o.Dir)
	if err != nil {
		return "", err
	}
	hidden, _, err := o.hiddenOurs(context.Background(), all)
	if err != nil {
		return "", err
	}
	if _, adopted := keptLine(nil, nil, hidden); adopted != nil {
		return adopted.Value, nil
	}
	return "", nil
}

// keptLine is the line of ours whose flags setup without store flags
// keeps: keep, the one git runs first from the scope's credential.helper
// list (currentOurs), else from its [credential ""] section (git runs it
// for every URL too); else adopted, the first line of ours the reset
// would hide, whose store holds the tokens git finds now.
func keptLine(cur, emptyURL []string, hidden []helperSetting) (keep string, adopted *helperSetting) {
	if keep = currentOurs(cur); keep == "" {
		keep = currentOurs(emptyURL)
	}
	if keep == "" && len(hidden) > 0 {
		adopted = &hidden[0]
	}
	return keep, adopted
}

// currentOurs is the line of ours in a scope's credential.helper list that
// git runs first there (after the list's own resets), else the last one.
func currentOurs(vals []string) string {
	var chain []string
	last := ""
	for _, v := range vals {
		switch {
		case v == "":
			chain = nil
		case IsOurHelper(v):
			chain, last = append(chain, v), v
		}
	}
	if len(chain) > 0 {
		return chain[0]
	}
	return last
}

// sameProgram reports whether a helper line of ours runs exe.
func sameProgram(line, exe string) bool {
	p, err := helperExecutable(context.Background(), line)
	if err != nil {
		return false
	}
	a, errA := os.Stat(p)
	b, errB := os.Stat(exe)
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// scopeOption is the setup flag that writes into scope.
func scopeOption(scope string) string {
	if scope == "local" || scope == "system" {
		return " --" + scope
	}
	return ""
}

// withoutOurs drops our helper lines and the empty reset line before each.
func withoutOurs(vals []string) []string {
	var out []string
	for _, v := range vals {
		if IsOurHelper(v) {
			if n := len(out); n > 0 && out[n-1] == "" {
				out = out[:n-1]
			}
			continue
		}
		out = append(out, v)
	}
	return out
}

func (o SetupOptions) exe() (string, error) {
	if o.Exe != "" {
		return o.Exe, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("setup: cannot find this program's path: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return "", err
	}
	return leanHelper(exe), nil
}

// leanHelper is the program git should run when this one is exe: the lean
// git-credential-pat next to git-credential-pat-cli (which runs this code
// for every command but git's get and store), or exe itself.
func leanHelper(exe string) string {
	dir, base := filepath.Split(exe)
	ext := filepath.Ext(base)
	if ext != ".exe" {
		ext = ""
	}
	if strings.TrimSuffix(base, ext) != binaryName+"-cli" {
		return exe
	}
	lean := filepath.Join(dir, binaryName+ext)
	if fi, err := os.Stat(lean); err == nil && fi.Mode().IsRegular() {
		return lean
	}
	return exe
}

// helpers lists credential.helper values in the scope, in order.
func (o SetupOptions) helpers() ([]string, error) {
	return gitconfig.GetAll(context.Background(), o.Dir, "credential.helper", "--"+o.Scope)
}

// emptyURLHelpers is the scope's credential..helper list (a [credential ""]
// section), which git runs for every URL as it runs credential.helper.
func (o SetupOptions) emptyURLHelpers() ([]string, error) {
	return gitconfig.GetAll(context.Background(), o.Dir, "credential..helper", "--"+o.Scope)
}

// removeEmptyURLOurs deletes our lines from the scope's credential..helper
// list (setup puts their flags on a credential.helper line instead).
func (o SetupOptions) removeEmptyURLOurs(vals []string) error {
	done := map[string]bool{}
	for _, v := range vals {
		if done[v] || !IsOurHelper(v) {
			continue
		}
		done[v] = true
		if err := o.git("--unset-all", "credential..helper", "^"+quoteERE(v)+"$"); err != nil {
			return err
		}
	}
	return nil
}

// removeOurs turns the scope's credential.helper list cur into kept (cur
// without our lines, see withoutOurs) by deleting our values and empty
// ones where they are, so the rest of the config file keeps its bytes,
// order and comments. When kept has an empty value of its own, deleting
// by value would take it too; then the list is rewritten.
func (o SetupOptions) removeOurs(cur, kept []string) error {
	for _, v := range kept {
		if v == "" {
			return o.rewrite(kept)
		}
	}
	done := map[string]bool{}
	for _, v := range cur {
		if done[v] || v != "" && !IsOurHelper(v) {
			continue
		}
		done[v] = true
		if err := o.git("--unset-all", "credential.helper", "^"+quoteERE(v)+"$"); err != nil {
			return err
		}
	}
	return nil
}

// rewrite replaces the scope's credential.helper list with vals.
func (o SetupOptions) rewrite(vals []string) error {
	if err := o.git("--unset-all", "credential.helper"); err != nil {
		return err
	}
	for _, v := range vals {
		if err := o.git("--add", "credential.helper", v); err != nil {
			return err
		}
	}
	return nil
}

func (o SetupOptions) git(args ...string) error {
	cmd := exec.Command("git", append([]string{"config", "--" + o.Scope}, args...)...)
	cmd.Dir = o.Dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil
	}
	msg, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	// git config exits 4 when it cannot write the file (git-config(1)),
	// 255 when it cannot lock it, which it does by creating FILE.lock
	// next to it: a read-only home, or a HOME that is not a directory.
	var exit *exec.ExitError
	if o.Scope == "global" && errors.As(err, &exit) && (exit.ExitCode() == 4 || exit.ExitCode() == 255) {
		if _, named := os.LookupEnv("GIT_CONFIG_GLOBAL"); named {
			return fmt.Errorf("git config --global cannot write %s, which GIT_CONFIG_GLOBAL names (%s); make it and its directory writable, or name another file in GIT_CONFIG_GLOBAL, and run this again", gitconfig.GlobalFile(), msg)
		}
		return fmt.Errorf("git config --global cannot write %s (%s); make it and its directory writable, set HOME to a home directory you can write, or name another file with GIT_CONFIG_GLOBAL=/path/to/gitconfig, and run this again", gitconfig.GlobalFile(), msg)
	}
	return fmt.Errorf("git config --%s %s: %v: %s", o.Scope, strings.Join(args[:2], " "), err, msg)
}

// checkScope refuses, before anything is read or written, a scope git has
// no file for: --local outside a repository, --global without HOME (nor
// GIT_CONFIG_GLOBAL). git's own errors ("--local can only be used inside
// a git repository", "$HOME not set") name no fix, and with HOME empty
// git writes /.gitconfig.
func (o SetupOptions) checkScope(command string) error {
	switch o.Scope {
	case "local":
		cmd := exec.Command("git", "rev-parse", "--git-dir")
		cmd.Dir = o.Dir
		out, err := cmd.CombinedOutput()
		if err == nil {
			return nil
		}
		// git's first line says why: not a repository, or one whose
		// owner git does not trust (safe.directory).
		why, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		if why == "" {
			why = err.Error()
		}
		// A repository another user owns: the user is in it, and git's
		// own fix is to trust it (safe.directory), not to drop --local.
		const dubious = "detected dubious ownership in repository at '"
		if _, at, ok := strings.Cut(why, dubious); ok && strings.HasSuffix(at, "'") {
			repo := strings.TrimSuffix(at, "'")
			return errors.New(credential.Printable(fmt.Sprintf("%s --local: git does not trust the repository %s, which another user owns (safe.directory); if you trust it, run: git config --global --add safe.directory %s, then run %s --local again",
				command, repo, shellQuote(repo), command)))
		}
		return fmt.Errorf("%s --local: git finds no repository here (%s), and --local changes a repository's own config; cd into the repository and run it again, or run %s without --local to change ~/.gitconfig (every repository)", command, why, command)
	case "global":
		if err := gitconfig.GlobalOff(); err != nil {
			return fmt.Errorf("%s: %v; unset GIT_CONFIG_GLOBAL (or name a config file in it) to change the global config, or run %s --local in a repository", command, err, command)
		}
		if _, named := os.LookupEnv("GIT_CONFIG_GLOBAL"); named {
			return nil
		}
		if gitconfig.GlobalFile() == "" {
			return fmt.Errorf("%s: HOME is not set, so git has no global config (~/.gitconfig) to change; set HOME to your home directory, or name the file: GIT_CONFIG_GLOBAL=/path/to/gitconfig git-credential-pat %s", command, command)
		}
	}
	return nil
}

// rewriteValues are the insteadOf values setup --rewrite-ssh adds for host:
// every SSH remote URL of its repositories (forge.SSHRemotePrefixes).
func rewriteValues(host string) []string { return forge.SSHRemotePrefixes(host) }

// checkRewriteHosts refuses --host values that are not plain host names,
// before setup changes anything.
func (o SetupOptions) checkRewriteHosts() error {
	if len(o.RewriteHosts) > 0 && !o.RewriteSSH {
		return errors.New("setup: --host only goes with --rewrite-ssh; run: git-credential-pat setup --rewrite-ssh --host HOST")
	}
	for _, host := range o.RewriteHosts {
		if host == "" || strings.ContainsAny(host, "/@: \t\n\\'\"") {
			return fmt.Errorf("setup: --host %q is not a host name; for example: git-credential-pat setup --rewrite-ssh --host github.com", host)
		}
	}
	return nil
}

// addRewrites adds url.https://HOST/.insteadOf lines for each host, once.
func (o SetupOptions) addRewrites() error {
	if !o.RewriteSSH {
		return nil
	}
	hosts := o.RewriteHosts
	if len(hosts) == 0 {
		hosts = []string{"github.com"}
	}
	for _, host := range hosts {
		key := "url.https://" + host + "/.insteadOf"
		have := map[string]bool{}
		cmd := exec.Command("git", "config", "--"+o.Scope, "--get-all", key)
		cmd.Dir = o.Dir
		if out, err := cmd.Output(); err == nil {
			for _, v := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
				have[v] = true
			}
		}
		for _, v := range rewriteValues(host) {
			if have[v] {
				fmt.Fprintf(o.Out, "git config --%s already has %s = %s\n", o.Scope, key, v)
				continue
			}
			if err := o.git("--add", key, v); err != nil {
				return err
			}
			fmt.Fprintf(o.Out, "git config --%s: added %s = %s (SSH remotes of %s now use HTTPS)\n", o.Scope, key, v, host)
		}
	}
	return nil
}

// removeRewrites removes every insteadOf line addRewrites could have
// written (for any host) and nothing else; it returns how many.
func (o SetupOptions) removeRewrites() (int, error) {
	es, err := gitconfig.List(context.Background(), o.Dir, `^url\.https://[^/]+/\.insteadof$`, "--"+o.Scope)
	if err != nil {
		return 0, nil // no such config file
	}
	removed := 0
	done := map[gitconfig.Entry]bool{}
	for _, e := range es {
		key, value := e.Key, e.Value
		if done[e] {
			continue
		}
		done[e] = true
		host := strings.TrimSuffix(strings.TrimPrefix(key, "url.https://"), "/.insteadof")
		ours := false
		for _, v := range rewriteValues(host) {
			ours = ours || value == v
		}
		if !ours {
			continue
		}
		if err := o.git("--unset-all", key, "^"+quoteERE(value)+"$"); err != nil {
			return removed, err
		}
		removed++
		fmt.Fprintf(o.Out, "git config --%s: removed url.https://%s/.insteadOf = %s\n", o.Scope, host, value)
	}
	return removed, nil
}
