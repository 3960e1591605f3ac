#include "textflag.h"

// func blockScan(s *byte, n, at, lo, hi int, pats *[64]byte) (block int, mask uint32)
TEXT ·blockScan(SB), NOSPLIT, $0-60
	MOVQ  s+0(FP), SI
	MOVQ  n+8(FP), DX
	MOVQ  at+16(FP), CX
	MOVQ  lo+24(FP), R8
	MOVQ  hi+32(FP), R9
	MOVQ  pats+40(FP), AX
	MOVOU 0(AX), X4  // host[lo]
	MOVOU 16(AX), X5 // host[hi]
	MOVOU 32(AX), X6 // '%'
	MOVOU 48(AX), X7 // '*'

	// The last block starts at n-hi-16, so its load at +hi stays in s.
	MOVQ DX, R10
	SUBQ R9, R10
	SUBQ $16, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (SI)(R9*1), R12

loop:
	CMPQ     CX, R10
	JGT      done
	MOVOU    (SI)(CX*1), X0
	MOVOU    (R11)(CX*1), X1
	MOVOU    (R12)(CX*1), X2
	PCMPEQB  X4, X1
	PCMPEQB  X5, X2
	PAND     X2, X1
	MOVO     X0, X3
	PCMPEQB  X6, X0
	PCMPEQB  X7, X3
	POR      X0, X1
	POR      X3, X1
	PMOVMSKB X1, BX
	TESTL    BX, BX
	JNZ      found
	ADDQ     $16, CX
	JMP      loop

found:
	MOVQ CX, block+48(FP)
	MOVL BX, mask+56(FP)
	RET

done:
	MOVQ CX, block+48(FP)
	MOVL $0, mask+56(FP)
	RET
