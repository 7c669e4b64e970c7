package main

import (
	"strings"
	"testing"
)

func TestVerdict(t *testing.T) {
	const stream = `{"Action":"run","Test":"TestX"}
{"Action":"output","Test":"TestX","Output":"    x_test.go:9: CHAOS model 429 → error\n"}
{"Action":"pass","Test":"TestX"}
{"Action":"run","Test":"TestY"}
{"Action":"output","Test":"TestY","Output":"    y_test.go:3: no Docker engine\n"}
{"Action":"output","Test":"TestY","Output":"--- SKIP: TestY (0.00s)\n"}
{"Action":"skip","Test":"TestY"}
{"Action":"output","Test":"TestZ","Output":"    z_test.go:5: 2 containers left\n"}
{"Action":"fail","Test":"TestZ"}
`
	for _, tc := range []struct{ test, result, detail string }{
		{"TestX", "passed", "model 429 → error"},
		{"TestY", "skipped", "y_test.go:3: no Docker engine"},
		{"TestZ", "FAILED", "z_test.go:5: 2 containers left"},
		{"TestMissing", "FAILED", ""},
	} {
		r, d := verdict(strings.NewReader(stream), tc.test)
		if r != tc.result || (tc.detail != "" && d != tc.detail) {
			t.Errorf("%s: %q %q, want %q %q", tc.test, r, d, tc.result, tc.detail)
		}
	}
}
