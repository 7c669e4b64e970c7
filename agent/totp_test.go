package agent_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/argusqa/argus/agent"
	"github.com/argusqa/argus/suite"
)

// Both ways of typing a one-time code reach the application as a valid
// code, and neither the seed nor any code typed appears in what Argus
// records, logs, saves or sends to the model.
func TestOneTimeCodes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	secret := "otpauth://totp/Acme:ada@example.com?secret=" + appTOTPSeed + "&issuer=Acme"
	secrets := map[string]string{"acme_totp": secret}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	parse := func(lines ...string) []suite.Step {
		var out []suite.Step
		for _, l := range lines {
			s, err := suite.ParseStep(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	steps := agent.Task{Name: "Code by steps", BaseURL: app.URL, StartURL: app.URL + "/otp", Key: "5123456789abcdef0123",
		Secrets: secrets, Steps: parse(`type totp "{{secret.acme_totp}}" into "Code"`, `click "Verify"`, `expect text "Two-factor check passed"`)}
	stepRec := &recorded{}
	res, err := run(t, newAgent(t, nil, func(c *agent.Config) { c.Logger = logger }), steps, stepRec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != agent.VerdictPassed {
		t.Fatalf("steps: verdict %s (%s): %s\n%s", res.Verdict, res.Reason, res.Summary, stepRec.text())
	}

	model, srv := openAIModel(t,
		call("type", map[string]any{"index": 1, "text": "{{totp.acme_totp}}"}),
		call("click", map[string]any{"index": 2}),
		call("assert", map[string]any{"check": "text", "value": "Two-factor check passed", "checkpoint": "verified"}),
		call("finish", map[string]any{"verdict": "passed", "summary": "The code was accepted."}),
	)
	goal := agent.Task{Name: "Code by model", BaseURL: app.URL, StartURL: app.URL + "/otp", Key: "6123456789abcdef0123",
		Goal: "Pass the two-factor check.", Checkpoints: []string{"verified"}, Secrets: secrets}
	modelRec := &recorded{}
	res2, err := run(t, newAgent(t, model, func(c *agent.Config) { c.Logger = logger }), goal, modelRec)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Verdict != agent.VerdictPassed {
		t.Fatalf("model: verdict %s (%s): %s\n%s", res2.Verdict, res2.Reason, res2.Summary, modelRec.text())
	}
	// The replay holds the step a person would write, not a code.
	if res2.Replay == nil || res2.Replay.Steps[0].Step.String() != `type totp "{{secret.acme_totp}}" into "Code"` {
		t.Fatalf("replay: %+v", res2.Replay)
	}

	codes := app.receivedCodes()
	if len(codes) != 2 {
		t.Fatalf("the page received %d codes, want 2", len(codes))
	}
	everything := stepRec.text() + modelRec.text() + res.Summary + res2.Summary + logs.String()
	for _, r := range srv.Requests() {
		everything += string(r.Body)
	}
	replay, _ := agent.MarshalReplay(res2.Replay)
	everything += string(replay)
	for _, leak := range append(codes, appTOTPSeed) {
		if len(leak) < 6 || strings.Contains(everything, leak) {
			t.Fatalf("%q appears in a record, the logs, the replay or a model request", leak)
		}
	}
	if !strings.Contains(modelRec.text(), "{{totp.acme_totp}}") || !strings.Contains(stepRec.text(), "one-time code of {{secret.acme_totp}}") {
		t.Errorf("the records should show what was typed as placeholders:\n%s\n%s", stepRec.text(), modelRec.text())
	}
	// The model was told the code exists, not what it is.
	if !strings.Contains(string(srv.Requests()[0].Body), "{{totp.acme_totp}}") {
		t.Error("the task prompt does not offer {{totp.acme_totp}}")
	}
}

func TestTOTPStepNeedsASeed(t *testing.T) {
	test := &suite.Test{Name: "2FA", URL: "/otp", Steps: []suite.Step{{Verb: suite.VerbTypeTOTP, Value: "{{secret.pw}}", Target: suite.Locator{Label: "Code"}}}}
	_, err := agent.TaskFromTest(test, "http://app.test", "", map[string]string{"pw": appPassword})
	if err == nil || !strings.Contains(err.Error(), "does not hold a TOTP seed") || strings.Contains(err.Error(), appPassword) {
		t.Fatalf("TaskFromTest = %v", err)
	}
	if _, err := agent.TaskFromTest(test, "http://app.test", "", map[string]string{"pw": appTOTPSeed}); err != nil {
		t.Fatal(err)
	}
}
