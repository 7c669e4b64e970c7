package redact

import (
	"strings"
	"sync"
	"testing"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"":         "",
		"a":        "*",
		"ab":       "**",
		"abc":      "a*c",
		"password": "p******d",
		"héllo wö": "h******ö",
		"🔑secret🔑": "🔑******🔑",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactorMasksEveryOccurrence(t *testing.T) {
	r := New("hunter2", "", "s3cr3t-token")
	got := r.String(`typed "hunter2" into Password; header Bearer s3cr3t-token; again hunter2`)
	want := `typed "h*****2" into Password; header Bearer s**********n; again h*****2`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if r.Len() != 2 {
		t.Fatalf("Len = %d, want 2 (empty ignored)", r.Len())
	}
}

func TestRedactorLongestFirst(t *testing.T) {
	r := New("abc", "abcdef")
	if got := r.String("xabcdefx"); got != "xa****fx" {
		t.Fatalf("got %q", got)
	}
}

func TestRedactorZeroAndNil(t *testing.T) {
	var zero Redactor
	if zero.String("hunter2") != "hunter2" {
		t.Fatal("zero Redactor changed text")
	}
	var nilR *Redactor
	if nilR.String("x") != "x" || nilR.Len() != 0 {
		t.Fatal("nil Redactor misbehaved")
	}
}

func TestRedactorConcurrentAdd(t *testing.T) {
	r := New()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			v := "secret-" + strings.Repeat("x", i+1)
			r.Add(v)
			if strings.Contains(r.String("value "+v+" end"), v) {
				t.Errorf("value %q not redacted after Add", v)
			}
		})
	}
	wg.Wait()
}

func FuzzRedactorNeverLeaks(f *testing.F) {
	f.Add("hunter2", "my password is hunter2!")
	f.Add("ab", "abababab")
	f.Fuzz(func(t *testing.T, secret, text string) {
		if len([]rune(secret)) < 3 || strings.ContainsRune(secret, '*') {
			t.Skip()
		}
		out := New(secret).String(text + secret + text)
		if strings.Contains(out, secret) {
			t.Fatalf("secret %q survives in %q", secret, out)
		}
	})
}
