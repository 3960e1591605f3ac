package credential

import "strings"

// What IsLoopback needs of package net, written out: the lean helper must
// not link net (its start-up runs on every git request; issue 17), and
// net/netip, which net.ParseIP uses, would bring most of that cost back.
// Each function accepts exactly what its counterpart in net accepts;
// loopback_test.go holds them to it, case by case and by fuzzing.

// splitsHostPort reports whether net.SplitHostPort(hostport) succeeds:
// "host:port" with no other colon, or "[host]:port", with no stray
// brackets (the port is not checked). Where it does, HostName(hostport),
// brackets trimmed, is the host it returns.
func splitsHostPort(hostport string) bool {
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 {
		return false
	}
	j, k := 0, 0
	if hostport[0] == '[' {
		// The first ']' must sit just before the last ':'.
		end := strings.IndexByte(hostport, ']')
		if end < 0 || end+1 != i {
			return false
		}
		j, k = 1, end+1
	} else if strings.IndexByte(hostport[:i], ':') >= 0 {
		return false // too many colons
	}
	return strings.IndexByte(hostport[j:], '[') < 0 && strings.IndexByte(hostport[k:], ']') < 0
}

// parseIP parses s as net.ParseIP does (netip.ParseAddr without a zone):
// dotted decimal IPv4 without leading zeros, or IPv6 with at most one
// "::" and an optional dotted IPv4 tail. An IPv4 address comes back
// IPv4-mapped (::ffff:a.b.c.d), as net.IP holds it.
func parseIP(s string) (ip [16]byte, ok bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			ip[10], ip[11] = 0xff, 0xff
			return ip, parseIPv4(s, ip[12:])
		case ':':
			return parseIPv6(s)
		case '%':
			return ip, false
		}
	}
	return ip, false
}

// parseIPv4 parses four decimal fields 0-255 without leading zeros into out.
func parseIPv4(s string, out []byte) bool {
	val, pos, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			if digits == 1 && val == 0 {
				return false // a leading zero
			}
			val = val*10 + int(c-'0')
			digits++
			if val > 255 {
				return false
			}
		case c == '.':
			if i == 0 || i == len(s)-1 || s[i-1] == '.' || pos == 3 {
				return false
			}
			out[pos] = byte(val)
			pos++
			val, digits = 0, 0
		default:
			return false
		}
	}
	if pos < 3 {
		return false
	}
	out[3] = byte(val)
	return true
}

// parseIPv6 parses groups of 1-4 hex digits separated by ':', at most one
// "::" standing for at least one zero group, and an IPv4 tail in place of
// the last two groups. A zone ("%eth0") is refused, as net.ParseIP does.
func parseIPv6(s string) (ip [16]byte, ok bool) {
	ellipsis := -1 // where "::" stands in ip
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis = 0
		s = s[2:]
		if s == "" {
			return ip, true
		}
	}
	i := 0
	for i < 16 {
		off, acc := 0, 0
		for ; off < len(s); off++ {
			d := hexDigit(s[off])
			if d < 0 {
				break
			}
			if off > 3 {
				return ip, false // more than 4 digits
			}
			acc = acc<<4 + d
		}
		if off == 0 {
			return ip, false
		}
		if off < len(s) && s[off] == '.' {
			if ellipsis < 0 && i != 12 || i+4 > 16 || !parseIPv4(s, ip[i:i+4]) {
				return ip, false
			}
			s = ""
			i += 4
			break
		}
		ip[i], ip[i+1] = byte(acc>>8), byte(acc)
		i += 2
		s = s[off:]
		if s == "" {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return ip, false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return ip, false // a second "::"
			}
			ellipsis = i
			s = s[1:]
			if s == "" {
				break
			}
		}
	}
	if s != "" {
		return ip, false
	}
	if i < 16 {
		if ellipsis < 0 {
			return ip, false
		}
		n := 16 - i
		for j := i - 1; j >= ellipsis; j-- {
			ip[j+n] = ip[j]
		}
		clear(ip[ellipsis : ellipsis+n])
	} else if ellipsis >= 0 {
		return ip, false // "::" must stand for at least one group
	}
	return ip, true
}

func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// isLoopbackIP is net.IP.IsLoopback: 127.0.0.0/8 (also IPv4-mapped) or ::1.
func isLoopbackIP(ip [16]byte) bool {
	if [12]byte(ip[:12]) == [12]byte{10: 0xff, 11: 0xff} { // IPv4 (To4 is not nil)
		return ip[12] == 127
	}
	return ip == [16]byte{15: 1}
}
