package suite

import (
	"strings"
	"testing"
)

func TestPersonaField(t *testing.T) {
	tests, err := Parse("a.yaml", []byte("name: As buyer\npersona: buyer\ngoal: buy a lamp\n"))
	if err != nil || len(tests) != 1 || tests[0].Persona != "buyer" {
		t.Fatalf("Parse = %+v, %v", tests, err)
	}
	plain, _ := Parse("a.yaml", []byte("name: As buyer\ngoal: buy a lamp\n"))
	if tests[0].Hash() == plain[0].Hash() {
		t.Error("the persona does not enter the test's hash")
	}
	for src, want := range map[string]string{
		"name: a\npersona: Buyer One\ngoal: b\n": "must start with a lower-case letter",
		"name: a\nuser: buyer\ngoal: b\n":        `did you mean "persona"?`,
	} {
		if _, err := Parse("a.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
	if _, probs := (Draft{Name: "a", Goal: "b", Persona: "No"}).Check(); len(probs) != 1 || probs[0].Field != "persona" {
		t.Errorf("draft problems %+v", probs)
	}
}
