// Package totp turns a vault secret into time-based one-time codes (RFC
// 6238), so a test can pass an application's two-factor step.
//
// A secret holds either an otpauth:// URL, as an authenticator app's QR code
// encodes it (otpauth://totp/Shop:ada?secret=JBSWY3DPEHPK3PXP&digits=6), or
// the bare base32 seed an application shows under "can't scan the code?".
// A bare seed uses the defaults every authenticator assumes: SHA-1, 6
// digits, 30 seconds.
package totp

import (
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// MinSeedBytes is the shortest seed accepted: RFC 4226 requires at least
// 128 bits; 80 bits (16 base32 characters) is what many sites still issue,
// so that is the floor, and anything shorter is almost certainly not a seed.
const MinSeedBytes = 10

// Key is a parsed TOTP secret. It never prints its seed.
type Key struct {
	seed   string // base32, upper case, no padding or spaces
	period uint
	digits otp.Digits
	alg    otp.Algorithm
}

// Parse reads a secret value: an otpauth://totp/ URL or a base32 seed
// (spaces, lower case and padding allowed). Errors never quote the value.
func Parse(value string) (Key, error) {
	value = strings.TrimSpace(value)
	if strings.HasPrefix(strings.ToLower(value), "otpauth://") {
		return parseURL(value)
	}
	seed, err := normalizeSeed(value)
	if err != nil {
		return Key{}, err
	}
	return Key{seed: seed, period: 30, digits: otp.DigitsSix, alg: otp.AlgorithmSHA1}, nil
}

func parseURL(value string) (Key, error) {
	k, err := otp.NewKeyFromURL(value)
	if err != nil {
		return Key{}, errors.New("not a valid otpauth:// URL")
	}
	if k.Type() != "totp" {
		return Key{}, fmt.Errorf("the otpauth:// URL is for %q codes; only time-based (totp) codes are supported", k.Type())
	}
	seed, err := normalizeSeed(k.Secret())
	if err != nil {
		return Key{}, fmt.Errorf("the otpauth:// URL's secret: %w", err)
	}
	key := Key{seed: seed, period: uint(k.Period()), digits: k.Digits(), alg: k.Algorithm()}
	switch {
	case key.period == 0 || key.period > 300:
		return Key{}, fmt.Errorf("the otpauth:// URL's period %d is outside 1–300 seconds", key.period)
	case key.digits != otp.DigitsSix && key.digits != otp.DigitsEight:
		return Key{}, fmt.Errorf("the otpauth:// URL asks for %d digits; 6 or 8 are supported", key.digits)
	}
	return key, nil
}

func normalizeSeed(s string) (string, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	s = strings.TrimRight(s, "=")
	if s == "" {
		return "", errors.New("the seed is empty")
	}
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		return "", errors.New("the seed is not base32 (letters A–Z and digits 2–7)")
	}
	if len(b) < MinSeedBytes {
		return "", fmt.Errorf("the seed is %d bytes; a TOTP seed has at least %d", len(b), MinSeedBytes)
	}
	return s, nil
}

// Code returns the code valid at t.
func (k Key) Code(t time.Time) (string, error) {
	code, err := totp.GenerateCodeCustom(k.seed, t, totp.ValidateOpts{Period: k.period, Digits: k.digits, Algorithm: k.alg})
	if err != nil {
		return "", fmt.Errorf("totp code: %w", err)
	}
	return code, nil
}

// Period is how long one code is valid.
func (k Key) Period() time.Duration { return time.Duration(k.period) * time.Second }

// String describes the key without its seed, so a Key in a log line or an
// error leaks nothing.
func (k Key) String() string {
	return fmt.Sprintf("TOTP(%s, %d digits, %ds)", k.alg, k.digits.Length(), k.period)
}

// GoString keeps %#v from printing the seed too.
func (k Key) GoString() string { return k.String() }
