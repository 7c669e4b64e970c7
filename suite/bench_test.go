package suite

import (
	"os"
	"testing"
)

func BenchmarkParseStep(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseStep(`type "{{secret.demo_password}}" into role textbox "Password"`); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFile parses the largest demo suite file, the work a CLI
// or the web editor does per file.
func BenchmarkParseFile(b *testing.B) {
	src, err := os.ReadFile("../demo/suite/login.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("login.yaml", src); err != nil {
			b.Fatal(err)
		}
	}
}
