package jsonwire

import "errors"

// Standard base64 (RFC 4648 section 4, with padding), encoded and decoded
// as encoding/base64.StdEncoding does, written out here: encoding/base64
// builds the tables of four encodings in its package init, which the lean
// helper (it speaks the cache's and the agent's JSON through this package)
// would run on every start for the hundred bytes of one request.
// FuzzBase64 compares both ways with encoding/base64.

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// appendBase64 appends the standard base64 encoding of src to dst.
func appendBase64(dst, src []byte) []byte {
	for len(src) >= 3 {
		v := uint(src[0])<<16 | uint(src[1])<<8 | uint(src[2])
		dst = append(dst, base64Alphabet[v>>18&63], base64Alphabet[v>>12&63], base64Alphabet[v>>6&63], base64Alphabet[v&63])
		src = src[3:]
	}
	switch len(src) {
	case 1:
		v := uint(src[0]) << 16
		dst = append(dst, base64Alphabet[v>>18&63], base64Alphabet[v>>12&63], '=', '=')
	case 2:
		v := uint(src[0])<<16 | uint(src[1])<<8
		dst = append(dst, base64Alphabet[v>>18&63], base64Alphabet[v>>12&63], base64Alphabet[v>>6&63], '=')
	}
	return dst
}

var errBase64 = errors.New("illegal base64 data")

// base64Value is the 6 bits a character of the alphabet stands for.
func base64Value(c byte) (uint, bool) {
	switch {
	case 'A' <= c && c <= 'Z':
		return uint(c - 'A'), true
	case 'a' <= c && c <= 'z':
		return uint(c-'a') + 26, true
	case '0' <= c && c <= '9':
		return uint(c-'0') + 52, true
	case c == '+':
		return 62, true
	case c == '/':
		return 63, true
	}
	return 0, false
}

// decodeBase64 decodes s as StdEncoding.Decode does: '\r' and '\n' are
// skipped; the rest comes in groups of four characters, of which only the
// last may end in padding ("xx==" or "xxx="); bits beyond the last byte
// are ignored.
func decodeBase64(s string) ([]byte, error) {
	var q [4]byte
	n := 0
	out := make([]byte, 0, len(s)/4*3)
	done := false // a padded group ended the data
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			continue
		}
		if done {
			return nil, errBase64
		}
		q[n] = c
		n++
		if n < 4 {
			continue
		}
		n = 0
		var v [4]uint
		size := 3
		for j, c := range q {
			if c == '=' && j >= 2 && (j == 3 || q[3] == '=') {
				if size == 3 {
					size = j - 1
				}
				continue
			}
			b, ok := base64Value(c)
			if !ok || size < 3 {
				return nil, errBase64
			}
			v[j] = b
		}
		w := v[0]<<18 | v[1]<<12 | v[2]<<6 | v[3]
		out = append(out, byte(w>>16), byte(w>>8), byte(w))[:len(out)+size]
		done = size < 3
	}
	if n != 0 {
		return nil, errBase64
	}
	return out, nil
}
