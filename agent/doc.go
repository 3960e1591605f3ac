// Package agent lets git in a container or on a remote host use the tokens
// stored on this machine without copying them there, as ssh-agent does for
// keys: a Server answers credential gets on a unix socket that ssh -R or a
// bind mount carries to the far side, within limits its owner sets (an
// allow list, a lifetime, confirmation per answer), and Client is the far
// side's store that asks it. The Server, and the control client of agent
// --list and --stop, are in agent/server: this package is linked by the
// lean helper git runs on every request (--store agent), and does not
// import package net or encoding/json (issue 17).
package agent
