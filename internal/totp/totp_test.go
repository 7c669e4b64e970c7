package totp_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/internal/totp"
)

// RFC 6238 appendix B: the SHA-1 test seed "12345678901234567890" in base32,
// and the 8-digit codes the RFC lists for its test times.
const rfcSeed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestRFC6238Vectors(t *testing.T) {
	key, err := totp.Parse("otpauth://totp/Test:ada?secret=" + rfcSeed + "&digits=8&period=30&algorithm=SHA1")
	if err != nil {
		t.Fatal(err)
	}
	for unix, want := range map[int64]string{59: "94287082", 1111111109: "07081804", 1234567890: "89005924", 2000000000: "69279037"} {
		got, err := key.Code(time.Unix(unix, 0))
		if err != nil || got != want {
			t.Errorf("code at %d = %q, %v; want %q", unix, got, err, want)
		}
	}
}

func TestBareSeedUsesAuthenticatorDefaults(t *testing.T) {
	spaced := strings.ToLower(rfcSeed[:4] + " " + rfcSeed[4:])
	key, err := totp.Parse(spaced)
	if err != nil {
		t.Fatal(err)
	}
	got, err := key.Code(time.Unix(59, 0))
	// The 6-digit code is the 8-digit one's last six digits.
	if err != nil || got != "287082" {
		t.Fatalf("code = %q, %v; want 287082", got, err)
	}
	if key.Period() != 30*time.Second {
		t.Fatalf("period %s", key.Period())
	}
}

func TestParseRejectsWithoutQuotingTheValue(t *testing.T) {
	for _, v := range []string{"", "correct-horse-battery", "JBSWY3DP", "otpauth://hotp/x?secret=" + rfcSeed + "&counter=1",
		"otpauth://totp/x?secret=" + rfcSeed + "&digits=7", "otpauth://totp/x?secret=!!"} {
		_, err := totp.Parse(v)
		if err == nil {
			t.Errorf("Parse(%q) accepted", v)
			continue
		}
		if v != "" && strings.Contains(err.Error(), v) {
			t.Errorf("error quotes the value: %v", err)
		}
	}
}

func TestKeyNeverPrintsItsSeed(t *testing.T) {
	key, err := totp.Parse(rfcSeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(key), fmt.Sprintf("%v %+v %#v %s", key, key, key, key)} {
		if strings.Contains(s, rfcSeed) {
			t.Fatalf("seed printed: %s", s)
		}
	}
}
