package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerMasksEverything(t *testing.T) {
	var buf bytes.Buffer
	r := New("hunter2")
	log := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil), r))
	log = log.With("typed", "hunter2 again")
	log.WithGroup("step").Info("typed hunter2 into Password",
		"value", "hunter2",
		"err", errors.New("login with hunter2 failed"),
		slog.Group("args", "text", "x hunter2 y"),
		"count", 3)
	out := buf.String()
	if strings.Contains(out, "hunter2") {
		t.Fatalf("secret survives in log line: %s", out)
	}
	for _, want := range []string{`h*****2 into Password`, `"count":3`, `"text":"x h*****2 y"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log line lacks %s: %s", want, out)
		}
	}
}
