package help

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// CompletionShells are the shells Completion writes scripts for.
var CompletionShells = []string{"bash", "zsh", "fish"}

// Completion writes the completion script for shell. Everything in it
// comes from h: the commands, each command's flags, the store names; when
// there is a list command with --json, the values of --host flags are the
// hosts it lists, asked for at completion time (failures complete nothing).
func Completion(w io.Writer, h Help, shell string) error {
	m := completionModel(h)
	var script string
	switch shell {
	case "bash":
		script = m.bash()
	case "zsh":
		script = m.zsh()
	case "fish":
		script = m.fish()
	case "":
		return fmt.Errorf("completion: say which shell: %s completion %s", h.Program, strings.Join(CompletionShells, "|"))
	default:
		return fmt.Errorf("completion: no completions for %q; choose one of %s (for example: %s completion bash)", shell, strings.Join(CompletionShells, ", "), h.Program)
	}
	_, err := io.WriteString(w, script)
	return err
}

// completionModel is Help rearranged for the script generators.
type compModel struct {
	prog     string
	fn       string // shell function name stem: _git_credential_pat
	commands []HelpCommand
	globals  []HelpFlag
	stores   []HelpStore
	listHost bool // the list command has --json: --host values come from it
}

// safeWord is what may appear unquoted in the scripts: command, flag and
// store names. Anything else is left out of the completions. Stored host
// names are data read at completion time: the scripts offer only those
// made of host-name characters (letters, digits, . _ - : [ ]) and never
// let the shell expand them.
var safeWord = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func completionModel(h Help) compModel {
	m := compModel{prog: h.Program, fn: "_" + strings.NewReplacer("-", "_", ".", "_").Replace(h.Program)}
	for _, c := range h.Visible() {
		if !safeWord.MatchString(c.Name) {
			continue
		}
		c.Flags = safeFlags(c.Flags)
		m.commands = append(m.commands, c)
		if c.Name == "list" {
			for _, f := range c.Flags {
				m.listHost = m.listHost || f.Name == "json"
			}
		}
	}
	m.globals = safeFlags(h.Globals)
	for _, s := range h.Stores {
		if safeWord.MatchString(s.Name) {
			m.stores = append(m.stores, s)
		}
	}
	return m
}

func safeFlags(fs []HelpFlag) []HelpFlag {
	var out []HelpFlag
	for _, f := range fs {
		if safeWord.MatchString(f.Name) && (f.Shorthand == "" || safeWord.MatchString(f.Shorthand)) {
			out = append(out, f)
		}
	}
	return out
}

// helpFlag is the -h/--help every command accepts.
var helpFlag = HelpFlag{Name: "help", Shorthand: "h", Usage: "show help for this command"}

// flagsOf is every flag completion offers for command name: the globals
// it uses, its own, --help. name "" is the position before the command,
// where every global goes.
func (m compModel) flagsOf(name string) []HelpFlag {
	var out []HelpFlag
	for _, f := range m.globals {
		if m.uses(name, f) {
			out = append(out, f)
		}
	}
	for _, c := range m.commands {
		if c.Name == name {
			out = append(out, c.Flags...)
		}
	}
	out = append(out, helpFlag)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// uses reports whether command name uses the global flag f (HelpCommand.
// Globals); every global applies before the command ("").
func (m compModel) uses(name string, f HelpFlag) bool {
	for _, c := range m.commands {
		if c.Name == name && c.Globals != nil {
			return slices.Contains(c.Globals, f.Name)
		}
	}
	return true
}

// valueKind says what a flag's value is: "store", "host", "file", "" for a
// switch, or "any" for a value nothing can suggest.
func valueKind(f HelpFlag) string {
	switch {
	case f.Arg == "":
		return ""
	case f.Name == "store":
		return "store"
	case f.Name == "host":
		return "host"
	case strings.Contains(f.Name, "file") || f.Name == "socket" || f.Name == "dir" ||
		f.Arg == "path" || f.Arg == "file" || f.Arg == "dir":
		return "file"
	}
	return "any"
}

// valueFlags lists every flag name that takes a value, over all commands,
// by kind ("" for all of them).
func (m compModel) valueFlags(kind string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(fs []HelpFlag) {
		for _, f := range fs {
			k := valueKind(f)
			if k != "" && (kind == "" || k == kind) && !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, "--"+f.Name)
				if f.Shorthand != "" {
					out = append(out, "-"+f.Shorthand)
				}
			}
		}
	}
	add(m.globals)
	for _, c := range m.commands {
		add(c.Flags)
	}
	sort.Strings(out)
	return out
}

// otherValueFlags lists the flags with a value that are not globals.
func (m compModel) otherValueFlags() []string {
	var out []string
	for _, w := range m.valueFlags("") {
		global := false
		for _, f := range m.globals {
			global = global || w == "--"+f.Name || f.Shorthand != "" && w == "-"+f.Shorthand
		}
		if !global {
			out = append(out, w)
		}
	}
	return out
}

// globalNames lists the global flags, those with a value or switches.
func (m compModel) globalNames(withValue bool) []string {
	var out []string
	for _, f := range m.globals {
		if (f.Arg != "") == withValue {
			out = append(out, "--"+f.Name)
		}
	}
	return out
}

// globalSingleWords are case patterns for global flags in one word:
// --flag=value and switches.
func (m compModel) globalSingleWords() []string {
	var out []string
	for _, g := range m.globalNames(true) {
		out = append(out, g+"=*")
	}
	return append(out, m.globalNames(false)...)
}

func (m compModel) commandNames() []string {
	var out []string
	for _, c := range m.commands {
		out = append(out, c.Name)
	}
	return out
}

func (m compModel) storeNames() []string {
	var out []string
	for _, s := range m.stores {
		out = append(out, s.Name)
	}
	return out
}

func flagWords(fs []HelpFlag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, "--"+f.Name)
		if f.Shorthand != "" {
			out = append(out, "-"+f.Shorthand)
		}
	}
	return out
}

// casePattern joins words into a shell case pattern; "" when empty, so
// callers leave the branch out.
func casePattern(words []string) string { return strings.Join(words, "|") }

func (m compModel) header(shell, load, save string) string {
	return fmt.Sprintf("# %s completion for %s, generated by \"%s completion %s\"\n# from its help text. Load it with\n#   %s\n# or save it as %s\n",
		shell, m.prog, m.prog, shell, load, save)
}

func (m compModel) bash() string {
	var b strings.Builder
	fn := m.fn
	b.WriteString(m.header("bash", "source <("+m.prog+" completion bash)",
		"~/.local/share/bash-completion/completions/"+m.prog))
	b.WriteString("# It also completes \"git " + strings.TrimPrefix(m.prog, "git-") + "\" with git's bash completion.\n")
	b.WriteString("# COMPREPLY=($(compgen ...)) works in bash 3.2 (macOS), mapfile does not.\n# shellcheck disable=SC2207\n\n")

	if m.listHost {
		fmt.Fprintf(&b, `# %s_hosts PROGRAM [GLOBAL FLAGS]: the stored hosts, from "list --json".
%s_hosts() {
	"$@" list --json </dev/null 2>/dev/null |
		grep -o '"host": *"[][A-Za-z0-9._:-][][A-Za-z0-9._:-]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u
}

`, fn, fn)
	}

	fmt.Fprintf(&b, "%s_words() {\n", fn)
	fmt.Fprintf(&b, `	local exe=${COMP_WORDS[0]} first=1 cur=${COMP_WORDS[COMP_CWORD]} prev=
	# Called by git's completion for "git %s": start after that word.
	if [[ ${exe##*/} == git ]]; then
		exe=%s
		while ((first < COMP_CWORD)) && [[ ${COMP_WORDS[first]} != %s ]]; do ((first++)); done
		((first++))
	fi
	[[ $exe == \~/* ]] && exe=$HOME/${exe#\~/}
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
	# With "=" in COMP_WORDBREAKS, --flag=value arrives as --flag, =, value.
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
`, strings.TrimPrefix(m.prog, "git-"), m.prog, strings.TrimPrefix(m.prog, "git-"))

	// Find the command word and the global flags given so far.
	b.WriteString(`	local i w cmd=
	local -a globals=()
	for ((i = first; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
`)
	if p := casePattern(m.globalNames(true)); p != "" {
		fmt.Fprintf(&b, `		%s)
			if [[ ${COMP_WORDS[i+1]} == = ]]; then
				globals+=("$w=${COMP_WORDS[i+2]}")
				((i += 2))
			else
				globals+=("$w" "${COMP_WORDS[i+1]}")
				((i++))
			fi
			;;
`, p)
	}
	if p := casePattern(m.globalSingleWords()); p != "" {
		fmt.Fprintf(&b, "\t\t%s) globals+=(\"$w\") ;;\n", p)
	}
	if p := casePattern(m.otherValueFlags()); p != "" {
		fmt.Fprintf(&b, `		%s)
			if [[ ${COMP_WORDS[i+1]} == = ]]; then ((i += 2)); else ((i++)); fi
			;;
`, p)
	}
	b.WriteString(`		-*) ;;
		*) [[ -z $cmd ]] && cmd=$w ;;
		esac
	done

`)

	// The value of the flag before the cursor.
	b.WriteString("\tcase $prev in\n")
	if p := casePattern(m.valueFlags("store")); p != "" {
		fmt.Fprintf(&b, `	%s)
		# A comma list of stores: complete its last name.
		local pre=
		[[ $cur == *,* ]] && pre=${cur%%,*},
		COMPREPLY=($(compgen -P "$pre" -W "%s" -- "${cur##*,}"))
		return
		;;
`, p, strings.Join(m.storeNames(), " "))
	}
	if p := casePattern(m.valueFlags("file")); p != "" {
		fmt.Fprintf(&b, `	%s)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
`, p)
	}
	if p := casePattern(m.valueFlags("host")); p != "" {
		if m.listHost {
			fmt.Fprintf(&b, `	%s)
		# Stored data: matched here, never through compgen -W, which
		# expands its words ($(...), globs) as shell code.
		local h
		COMPREPLY=()
		while IFS= read -r h; do
			[[ -n $h && $h == "$cur"* ]] && COMPREPLY+=("$h")
		done < <(%s_hosts "$exe" "${globals[@]}")
		return
		;;
`, p, fn)
		} else {
			fmt.Fprintf(&b, "\t%s) return ;;\n", p)
		}
	}
	if p := casePattern(m.valueFlags("any")); p != "" {
		fmt.Fprintf(&b, "\t%s) return ;;\n", p)
	}
	b.WriteString("\tesac\n\n")

	// Flags of the command (or the globals before it).
	b.WriteString("\tif [[ $cur == -* ]]; then\n\t\tcase $cmd in\n")
	for _, c := range m.commands {
		fmt.Fprintf(&b, "\t\t%s) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")) ;;\n", c.Name, strings.Join(flagWords(m.flagsOf(c.Name)), " "))
	}
	fmt.Fprintf(&b, "\t\t*) COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")) ;;\n", strings.Join(flagWords(m.flagsOf("")), " "))
	b.WriteString("\t\tesac\n\t\treturn\n\tfi\n\n")

	// Words: the command, or what it takes.
	all := strings.Join(m.commandNames(), " ")
	fmt.Fprintf(&b, `	case $cmd in
	"") COMPREPLY=($(compgen -W "%s help" -- "$cur")) ;;
	help) COMPREPLY=($(compgen -W "%s" -- "$cur")) ;;
	completion) COMPREPLY=($(compgen -W "%s" -- "$cur")) ;;
	esac
}

%s() {
	%s_words
	# git's completion completes with -o nospace and adds the spaces itself.
	if [[ ${COMP_WORDS[0]##*/} == git ]]; then
		local i
		for i in "${!COMPREPLY[@]}"; do
			[[ -d ${COMPREPLY[i]} ]] || COMPREPLY[i]+=" "
		done
	fi
}

complete -F %s %s
`, all, all, strings.Join(CompletionShells, " "), fn, fn, fn, m.prog)
	return b.String()
}

// zshQuote quotes s for zsh (and any POSIX shell) as one word.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// describe is a name:description entry for zsh's _describe.
func describe(name, desc string) string {
	return zshQuote(strings.ReplaceAll(name, ":", `\:`) + ":" + strings.ReplaceAll(desc, "\n", " "))
}

func (m compModel) zsh() string {
	var b strings.Builder
	fn := "_" + m.prog
	fmt.Fprintf(&b, "#compdef %s\n", m.prog)
	b.WriteString(m.header("zsh", "source <("+m.prog+" completion zsh)   # after compinit",
		fn+" in a directory on $fpath"))
	b.WriteString("\n")
	if m.listHost {
		fmt.Fprintf(&b, `# %s_hosts PROGRAM [GLOBAL FLAGS]: the stored hosts, from "list --json".
%s_hosts() {
	"$@" list --json </dev/null 2>/dev/null |
		grep -o '"host": *"[][A-Za-z0-9._:-][][A-Za-z0-9._:-]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u
}

`, m.fn, m.fn)
	}
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString(`	local exe=${words[1]} cur=${words[CURRENT]} prev=${words[CURRENT-1]} i w cmd=
	local -a globals opts
	for ((i = 2; i < CURRENT; i++)); do
		w=${words[i]}
		case $w in
`)
	if p := casePattern(m.globalNames(true)); p != "" {
		fmt.Fprintf(&b, "\t\t(%s) globals+=($w ${words[i+1]}); ((i++)) ;;\n", p)
	}
	if p := casePattern(m.globalSingleWords()); p != "" {
		fmt.Fprintf(&b, "\t\t(%s) globals+=($w) ;;\n", p)
	}
	if p := casePattern(m.otherValueFlags()); p != "" {
		fmt.Fprintf(&b, "\t\t(%s) ((i++)) ;;\n", p)
	}
	b.WriteString(`		(-*) ;;
		(*) [[ -z $cmd ]] && cmd=$w ;;
		esac
	done

	# --flag=value: complete the value.
	if [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		compset -P '*='
	elif [[ $cur == -* ]]; then
		prev=
	fi
	case $prev in
`)
	if p := casePattern(m.valueFlags("store")); p != "" {
		var stores []string
		for _, s := range m.stores {
			stores = append(stores, describe(s.Name, s.Summary))
		}
		fmt.Fprintf(&b, `	(%s)
		local -a stores
		stores=(%s)
		compset -P '*,'
		_describe -t stores 'store' stores
		return
		;;
`, p, strings.Join(stores, " "))
	}
	if p := casePattern(m.valueFlags("file")); p != "" {
		fmt.Fprintf(&b, "\t(%s) _files; return ;;\n", p)
	}
	if p := casePattern(m.valueFlags("host")); p != "" {
		if m.listHost {
			fmt.Fprintf(&b, `	(%s)
		local -a hosts
		hosts=(${(f)"$(%s_hosts ${exe/#\~/$HOME} $globals)"})
		compadd -a hosts
		return
		;;
`, p, m.fn)
		} else {
			fmt.Fprintf(&b, "\t(%s) _message 'host'; return ;;\n", p)
		}
	}
	for _, f := range m.allValueFlagsOfKind("any") {
		fmt.Fprintf(&b, "\t(%s) _message %s; return ;;\n", casePattern(f.words), zshQuote(f.arg))
	}
	b.WriteString("\tesac\n\n")

	b.WriteString("\tif [[ $cur == -* ]]; then\n\t\tcase $cmd in\n")
	for _, c := range m.commands {
		fmt.Fprintf(&b, "\t\t(%s) opts=(%s) ;;\n", c.Name, strings.Join(zshFlags(m.flagsOf(c.Name)), " "))
	}
	fmt.Fprintf(&b, "\t\t(*) opts=(%s) ;;\n", strings.Join(zshFlags(m.flagsOf("")), " "))
	b.WriteString("\t\tesac\n\t\t_describe -t options 'flag' opts\n\t\treturn\n\tfi\n\n")

	var cmds []string
	for _, c := range m.commands {
		cmds = append(cmds, describe(c.Name, c.Summary))
	}
	fmt.Fprintf(&b, `	local -a cmds
	cmds=(%s)
	case $cmd in
	('') cmds+=(%s); _describe -t commands 'command' cmds ;;
	(help) _describe -t commands 'command' cmds ;;
	(completion) compadd %s ;;
	esac
}

if [ "$funcstack[1]" = %s ]; then
	%s "$@"
else
	compdef %s %s
fi
`, strings.Join(cmds, " "), describe("help", "show help for a command"), strings.Join(CompletionShells, " "), zshQuote(fn), fn, fn, m.prog)
	return b.String()
}

func zshFlags(fs []HelpFlag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, describe("--"+f.Name, f.Usage))
		if f.Shorthand != "" {
			out = append(out, describe("-"+f.Shorthand, f.Usage))
		}
	}
	return out
}

type valueFlagGroup struct {
	arg   string
	words []string
}

// allValueFlagsOfKind groups the value flags of kind by their value name,
// so zsh can say what it expects ("duration").
func (m compModel) allValueFlagsOfKind(kind string) []valueFlagGroup {
	byArg := map[string][]string{}
	seen := map[string]bool{}
	add := func(fs []HelpFlag) {
		for _, f := range fs {
			if valueKind(f) == kind && !seen[f.Name] {
				seen[f.Name] = true
				byArg[f.Arg] = append(byArg[f.Arg], "--"+f.Name)
				if f.Shorthand != "" {
					byArg[f.Arg] = append(byArg[f.Arg], "-"+f.Shorthand)
				}
			}
		}
	}
	add(m.globals)
	for _, c := range m.commands {
		add(c.Flags)
	}
	var out []valueFlagGroup
	for arg, words := range byArg {
		sort.Strings(words)
		out = append(out, valueFlagGroup{arg, words})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].arg < out[j].arg })
	return out
}

// fishQuote quotes s for fish as one word.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func (m compModel) fish() string {
	var b strings.Builder
	fn := "_" + m.fn // fish helper functions: __git_credential_pat_...
	p := m.prog
	b.WriteString(m.header("fish", p+" completion fish | source", "~/.config/fish/completions/"+p+".fish"))
	b.WriteString("\n")

	valueFlags := strings.Join(m.valueFlags(""), " ")
	fmt.Fprintf(&b, `# The command word (nothing before one), skipping flag values.
function %s_cmd
	set -l words (commandline -opc)
	set -e words[1]
	set -l skip 0
	for w in $words
		if test $skip = 1
			set skip 0
			continue
		end
		switch $w
		case %s
			set skip 1
		case '-*'
		case '*'
			echo $w
			return 0
		end
	end
	return 1
end

function %s_needs_command
	not %s_cmd >/dev/null
end

function %s_using
	set -l cmd (%s_cmd)
	test "$cmd" = "$argv[1]"
end

function %s_stores
`, fn, valueFlags, fn, fn, fn, fn, fn)
	for _, s := range m.stores {
		fmt.Fprintf(&b, "\tprintf '%%s\\t%%s\\n' %s %s\n", fishQuote(s.Name), fishQuote(s.Summary))
	}
	b.WriteString("end\n\n")
	if m.listHost {
		withValue := strings.Join(m.globalNames(true), " ")
		var eq []string
		for _, g := range m.globalNames(true) {
			eq = append(eq, fishQuote(g+"=*"))
		}
		eq = append(eq, m.globalNames(false)...)
		fmt.Fprintf(&b, `# The stored hosts, from "list --json" with the global flags given so far.
function %s_hosts
	set -l words (commandline -opc)
	set -l exe (string replace -r '^~/' "$HOME/" -- $words[1])
	set -l args
	set -l i 2
	while test $i -le (count $words)
		switch $words[$i]
		case %s
			set i (math $i + 1)
			set -a args $words[(math $i - 1)] $words[$i]
		case %s
			set -a args $words[$i]
		end
		set i (math $i + 1)
	end
	$exe $args list --json </dev/null 2>/dev/null | string match -a -r -g '"host": *"([A-Za-z0-9._:\[\]-]+)"' | sort -u
end

`, fn, withValue, strings.Join(eq, " "))
	}

	fmt.Fprintf(&b, "complete -c %s -f\n\n# Commands\n", p)
	for _, c := range m.commands {
		fmt.Fprintf(&b, "complete -c %s -n %s_needs_command -a %s -d %s\n", p, fn, c.Name, fishQuote(c.Summary))
	}
	fmt.Fprintf(&b, "complete -c %s -n %s_needs_command -a help -d %s\n", p, fn, fishQuote("show help for a command"))
	fmt.Fprintf(&b, "complete -c %s -n %s -a %s\n", p, fishQuote(fn+"_using help"), fishQuote(strings.Join(m.commandNames(), " ")))
	fmt.Fprintf(&b, "complete -c %s -n %s -a %s\n", p, fishQuote(fn+"_using completion"), fishQuote(strings.Join(CompletionShells, " ")))

	b.WriteString("\n# Flags every command accepts (offered where it uses them)\n")
	for _, f := range append(append([]HelpFlag(nil), m.globals...), helpFlag) {
		var not []string
		for _, c := range m.commands {
			if f != helpFlag && !m.uses(c.Name, f) {
				not = append(not, "not "+fn+"_using "+c.Name)
			}
		}
		cond := ""
		if len(not) > 0 {
			cond = fishQuote(strings.Join(not, "; and "))
		}
		b.WriteString(m.fishFlag(cond, f, fn))
	}
	for _, c := range m.commands {
		if len(c.Flags) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n# %s\n", c.Name)
		for _, f := range c.Flags {
			b.WriteString(m.fishFlag(fishQuote(fn+"_using "+c.Name), f, fn))
		}
	}
	return b.String()
}

func (m compModel) fishFlag(cond string, f HelpFlag, fn string) string {
	line := "complete -c " + m.prog
	if cond != "" {
		line += " -n " + cond
	}
	if f.Shorthand != "" {
		line += " -s " + f.Shorthand
	}
	line += " -l " + f.Name
	switch valueKind(f) {
	case "store":
		line += " -x -a " + fishQuote("(__fish_complete_list , "+fn+"_stores)")
	case "host":
		line += " -x"
		if m.listHost {
			line += " -a " + fishQuote("("+fn+"_hosts)")
		}
	case "file":
		line += " -r -F"
	case "any":
		line += " -x"
	}
	return line + " -d " + fishQuote(f.Usage) + "\n"
}
