package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/suite"
)

// modelLoop asks the model for actions until it finishes or a limit ends
// the attempt. intro, when set, tells the model how it got here (a replay that
// stopped fitting).
func (at *attempt) modelLoop(ctx context.Context, intro string) {
	model := at.cfg.Model
	if model == nil {
		at.endWith(VerdictError, "model", ErrNoModel.Error())
		return
	}
	conv := &conversation{}
	conv.add(llm.User(llm.Text(at.taskPrompt(intro))))
	t := &turnState{loops: newLoopDetector(at.cfg.LoopRepeats)}
	vision := at.cfg.Vision && llm.AcceptsImages(model)

	for at.res.Verdict == "" {
		if f := at.checkBudget(ctx); f != nil {
			at.endWith(f.verdict, f.reason, f.summary)
			return
		}
		if at.obs == nil {
			if _, _, err := at.observe(ctx); err != nil {
				at.endOn(ctx, err, "Could not observe the page: ")
				return
			}
		}
		obs := at.obs
		parts := []llm.Part{llm.Text(at.observationPrompt(obs, describeNews(at.ev.news()), t.note))}
		t.note = ""
		if vision {
			if at.latestShot != nil && at.latestShot.wait() != nil {
				parts = append(parts, llm.PNG(at.latestShot.png))
			} else if png, err := at.sess.Screenshot(ctx); err == nil {
				parts = append(parts, llm.PNG(png))
			}
		}
		conv.addObservation(llm.User(parts...), at.sec.forModel(obs.URL))

		began := time.Now()
		resp, err := model.Generate(ctx, &llm.Request{
			System: at.systemPrompt(), Messages: conv.messages(), Tools: tools(at.task.Remember), MaxOutputTokens: at.cfg.MaxOutputTokens,
		})
		modelMS := ms(time.Since(began))
		at.res.ModelCalls++
		at.res.Iterations++
		if err != nil {
			v, reason := classify(ctx, err)
			if v != VerdictCancelled {
				v, reason = VerdictError, "model"
			}
			at.record(ctx, Step{Action: "model", Outcome: "the model did not answer: " + err.Error(), Failed: true, ModelMS: modelMS})
			at.endWith(v, reason, "The model could not be reached: "+err.Error())
			return
		}
		at.res.Usage = at.res.Usage.Add(resp.Usage)
		at.pending = stepMeta{thought: resp.Text, modelMS: modelMS, input: resp.Usage.InputTokens, output: resp.Usage.OutputTokens}
		conv.add(resp.Message())

		if used := at.res.Usage.Total(); used >= at.cfg.MaxTokens {
			msg := fmt.Sprintf("Stopped: the token budget of %d is spent (%d used) before a verdict.", at.cfg.MaxTokens, used)
			at.record(ctx, Step{Action: "limit", Outcome: msg, Failed: true})
			at.endWith(VerdictError, "token_limit", msg)
			return
		}
		if len(resp.ToolCalls) == 0 {
			at.record(ctx, Step{Action: "reply", Outcome: "the model answered without calling a tool", Failed: true})
			t.note = "Your last answer called no tool. Act with a tool, verify with assert, or end with finish."
			continue
		}
		results := make([]llm.ToolResult, 0, len(resp.ToolCalls))
		stopped := false
		for _, call := range resp.ToolCalls {
			if stopped || at.res.Verdict != "" {
				results = append(results, llm.ToolResult{CallID: call.ID, Content: "not run: an earlier call in this turn failed or ended the test", IsError: true})
				continue
			}
			res := at.callTool(ctx, call, t)
			results = append(results, res)
			stopped = res.IsError
		}
		conv.add(llm.ToolResults(results...))
	}
}

// turnState is what the model loop carries between turns.
type turnState struct {
	loops          *loopDetector
	note           string
	finishRefusals int
}

// reply is how a tool call answers the model.
type reply func(content string, isErr bool) llm.ToolResult

// callTool runs one tool call, records it as a step and returns the result
// the model reads next.
func (at *attempt) callTool(ctx context.Context, call llm.ToolCall, t *turnState) llm.ToolResult {
	answer := func(content string, isErr bool) llm.ToolResult {
		return llm.ToolResult{CallID: call.ID, Content: at.sec.forModel(content), IsError: isErr}
	}
	args, err := decodeArgs(call.Args)
	if err != nil {
		return at.refuse(ctx, Step{Action: call.Name}, err.Error(), answer)
	}
	rec := Step{Action: call.Name, Args: args.asMap()}

	switch call.Name {
	case toolFinish:
		return at.finish(ctx, args, rec, t, answer)
	case toolExtract:
		return at.extract(ctx, args, rec, answer)
	case toolAssert:
		return at.assert(ctx, args, rec, answer)
	case toolReadMail:
		return at.readEmailTool(ctx, args, rec, answer)
	}
	st, pin, err := at.stepFor(call.Name, args)
	if err != nil {
		return at.refuse(ctx, rec, err.Error(), answer)
	}
	if res, looping := at.guardLoop(ctx, call.Name, args, st, rec, t, answer); looping {
		return res
	}
	return at.perform(ctx, st, pin, args, rec, answer)
}

// guardLoop refuses an action the model keeps asking for on a page that
// does not change: a warning first, then the attempt ends.
func (at *attempt) guardLoop(ctx context.Context, name string, args toolArgs, st suite.Step, rec Step, t *turnState, answer reply) (llm.ToolResult, bool) {
	canonical, _ := json.Marshal(args)
	switch verdict, n := t.loops.see(name+string(canonical), pageDigest(at.obs)); verdict {
	case loopWarn:
		msg := fmt.Sprintf("not run: this is the %d. time you ask for %s on a page that has not changed. It is not working; try something else, or finish with verdict failed and say what blocks you.", n, st)
		return at.refuse(ctx, rec, msg, answer), true
	case loopStop:
		msg := fmt.Sprintf("Stopped: the agent repeated %s on an unchanged page %d times, after being told once.", at.sec.forRecord(st.String()), n)
		return at.failAndEnd(ctx, rec, msg, VerdictError, "loop", msg, answer), true
	}
	return llm.ToolResult{}, false
}

// perform carries out an action step the model asked for, then observes
// the page so the answer says what changed.
func (at *attempt) perform(ctx context.Context, st suite.Step, pin *browser.Element, args toolArgs, rec Step, answer reply) llm.ToolResult {
	began := time.Now()
	outcome, err := at.act(ctx, st, pin)
	rec.ActMS = ms(time.Since(began))
	if err != nil {
		msg := err.Error()
		if outcome != "" {
			msg = outcome + ": " + msg
		}
		if !isPageProblem(err) {
			return at.toolBroke(ctx, rec, msg, err, answer)
		}
		// The page refused the action; the model may try another way once
		// it sees what the page looks like now.
		if _, _, oerr := at.observe(ctx); oerr != nil {
			rec.Outcome, rec.Failed = msg, true
			at.record(ctx, rec)
			at.endOn(ctx, oerr, "Could not observe the page: ")
			return answer(msg, true)
		}
		return at.refuse(ctx, rec, msg, func(content string, isErr bool) llm.ToolResult {
			return answer(content+". Look at the new observation and try another way.", isErr)
		})
	}
	at.remember(st, pin)
	if (st.Verb == suite.VerbType || st.Verb == suite.VerbTypeTOTP) && args.Submit {
		if err := at.sess.PressKey(ctx, "Enter"); err != nil {
			return at.toolBroke(ctx, rec, err.Error(), err, answer)
		}
		outcome += " and pressed Enter"
		at.remember(suite.Step{Verb: suite.VerbPress, Key: "Enter"}, nil)
	}
	obs, observeMS, oerr := at.observeAfterAction(ctx)
	rec.ObserveMS = observeMS
	if oerr == nil {
		outcome += describePage(obs)
		if news := describeNews(at.ev.news()); news != "" {
			outcome += "; " + news
		}
	}
	rec.Outcome = outcome
	at.record(ctx, rec)
	if oerr != nil {
		at.endOn(ctx, oerr, "Could not observe the page after "+rec.Action+": ")
		return answer(outcome, true)
	}
	return answer(outcome, false)
}

// refuse records rec as a failed step saying msg and answers the model
// with msg as an error; the attempt goes on.
func (at *attempt) refuse(ctx context.Context, rec Step, msg string, answer reply) llm.ToolResult {
	rec.Outcome, rec.Failed = msg, true
	at.record(ctx, rec)
	return answer(msg, true)
}

// failAndEnd records rec as the failed step saying msg and ends the
// attempt on it.
func (at *attempt) failAndEnd(ctx context.Context, rec Step, msg string, v Verdict, reason, summary string, answer reply) llm.ToolResult {
	rec.Outcome, rec.Failed = msg, true
	at.record(ctx, rec)
	at.res.FailedStep = at.nextIndex - 1
	at.endWith(v, reason, summary)
	return answer(msg, true)
}

// endOn ends the attempt because err (from observing the page) says Argus
// cannot go on; the verdict follows from what err is.
func (at *attempt) endOn(ctx context.Context, err error, summary string) {
	v, reason := classify(ctx, err)
	at.endWith(v, reason, summary+err.Error())
}

// stepFor turns a model's tool call into the explicit step it amounts to,
// and the element it acts on.
func (at *attempt) stepFor(name string, a toolArgs) (suite.Step, *browser.Element, error) {
	element := func() (*browser.Element, error) {
		if a.Index < 1 {
			return nil, errors.New("index is required: use an [index] from the latest observation")
		}
		el, ok := at.obs.Element(a.Index)
		if !ok {
			return nil, fmt.Errorf("there is no element [%d] in the latest observation", a.Index)
		}
		return &el, nil
	}
	var st suite.Step
	var pin *browser.Element
	var err error
	switch name {
	case toolNavigate:
		if strings.TrimSpace(a.URL) == "" {
			return st, nil, errors.New("url is required")
		}
		st = suite.Step{Verb: suite.VerbNavigate, Value: a.URL}
		if ms, ok := at.mailStepFor(strings.TrimSpace(a.URL)); ok && ms.Verb == suite.VerbOpenEmailLink {
			st = ms
		}
	case toolClick:
		pin, err = element()
		st = suite.Step{Verb: suite.VerbClick}
	case toolType:
		pin, err = element()
		st = suite.Step{Verb: suite.VerbType, Value: a.Text}
		if ms, ok := at.mailStepFor(a.Text); ok && ms.Verb == suite.VerbTypeEmailCode {
			st = ms
		} else if name, ok := totpName(a.Text); ok {
			// Saved as the step a person would write, so a replay types
			// the code current at replay time.
			st = suite.Step{Verb: suite.VerbTypeTOTP, Value: suite.SecretPlaceholder(name)}
		} else if totpRE.MatchString(a.Text) && err == nil {
			err = errors.New("type a one-time code on its own: text is exactly {{totp.NAME}}")
		}
	case toolSelect:
		pin, err = element()
		st = suite.Step{Verb: suite.VerbSelect, Value: a.Option}
	case toolPressKey:
		st = suite.Step{Verb: suite.VerbPress, Key: a.Key}
		if strings.TrimSpace(a.Key) == "" {
			err = errors.New("key is required")
		}
	case toolScroll:
		switch {
		case a.Index > 0:
			pin, err = element()
			st = suite.Step{Verb: suite.VerbScrollTo}
		case a.Direction == "up":
			st = suite.Step{Verb: suite.VerbScrollUp}
		default:
			st = suite.Step{Verb: suite.VerbScrollDown}
		}
	case toolWaitFor:
		d := time.Duration(a.Timeout) * time.Second
		if a.Timeout == 0 {
			d = suite.DefaultWaitFor
		}
		d = min(d, suite.MaxWait)
		switch {
		case a.URL != "":
			st = suite.Step{Verb: suite.VerbWaitForURL, Value: a.URL, Duration: d}
		case a.Text != "":
			st = suite.Step{Verb: suite.VerbWaitFor, Target: suite.Locator{Text: a.Text}, Duration: d}
		default:
			err = errors.New("give text or url to wait for")
		}
	case toolGoBack:
		st = suite.Step{Verb: suite.VerbBack}
	case toolRemember:
		if cerr := suite.CheckVarName(a.Name); cerr != nil {
			return st, nil, cerr
		}
		if strings.TrimSpace(a.Text) == "" {
			return st, nil, errors.New(`text is required: the label the value stands next to on the page, e.g. "Order number"`)
		}
		st = suite.Step{Verb: suite.VerbRemember, Target: suite.Locator{Text: a.Text}, Value: a.Name}
	case toolUpload:
		pin, err = element()
		path := ""
		for _, p := range at.task.Uploads {
			if filepath.Base(p) == a.File {
				path = p
			}
		}
		if err == nil && path == "" {
			err = fmt.Errorf("%q is not one of the test's files", a.File)
		}
		st = suite.Step{Verb: suite.VerbUpload, Value: path}
	default:
		return st, nil, fmt.Errorf("unknown tool %q", name)
	}
	if err != nil {
		return st, nil, err
	}
	if pin != nil {
		if loc, ok := locatorFor(*pin); ok {
			st.Target = loc
		} else if css, ok := cssFromPath(pin.Path); ok {
			st.Target = suite.Locator{CSS: css}
		} else {
			return st, nil, fmt.Errorf("[%d] has neither a name nor a plain document path; act on a named element", a.Index)
		}
	}
	return st, pin, nil
}

// remember keeps a successful action for the replay of this attempt.
func (at *attempt) remember(st suite.Step, pin *browser.Element) {
	rs := ReplayStep{Step: st}
	if pin != nil {
		rs.Element = fingerprintOf(*pin)
	}
	at.done = append(at.done, rs)
}

func (at *attempt) extract(ctx context.Context, a toolArgs, rec Step, answer reply) llm.ToolResult {
	began := time.Now()
	var content, outcome string
	switch a.What {
	case "html":
		obs, err := at.sess.Observe(ctx, browser.ObserveOptions{IncludeHTML: true})
		if err != nil {
			return at.toolBroke(ctx, rec, err.Error(), err, answer)
		}
		content = obs.HTML
		outcome = fmt.Sprintf("read the page's HTML (%d characters)", utf8.RuneCountInString(obs.HTML))
		if obs.HTMLTruncated {
			content += fmt.Sprintf("\n[HTML truncated at %d characters]", browser.MaxHTMLChars)
		}
	case "text":
		content = at.obs.Text
		outcome = fmt.Sprintf("read the page's text (%d characters)", utf8.RuneCountInString(content))
	default:
		return at.refuse(ctx, rec, `what must be "html" or "text"`, answer)
	}
	rec.ActMS, rec.Outcome = ms(time.Since(began)), outcome
	at.record(ctx, rec)
	return answer(content, false)
}

var assertVerbs = map[string]suite.Verb{
	"text": suite.VerbExpectText, "no_text": suite.VerbExpectNoText, "url": suite.VerbExpectURL,
	"title": suite.VerbExpectTitle, "visible": suite.VerbExpectVisible, "no_console_errors": suite.VerbExpectNoConsoleErrors,
	"no_failed_requests": suite.VerbExpectNoFailedRequests, "no_failed_app_requests": suite.VerbExpectNoFailedAppRequests,
}

// positive are the checks that observe something on the page, rather than
// the absence of something; one of them must hold before a test without
// checkpoints can pass.
var positive = map[suite.Verb]bool{
	suite.VerbExpectText: true, suite.VerbExpectURL: true, suite.VerbExpectTitle: true, suite.VerbExpectVisible: true,
}

// valueless are the checks that take no value.
var valueless = map[suite.Verb]bool{
	suite.VerbExpectNoConsoleErrors: true, suite.VerbExpectNoFailedRequests: true, suite.VerbExpectNoFailedAppRequests: true,
}

func (at *attempt) assert(ctx context.Context, a toolArgs, rec Step, answer reply) llm.ToolResult {
	verb, ok := assertVerbs[a.Check]
	if !ok || (!valueless[verb] && a.Value == "") {
		return at.refuse(ctx, rec, "check must be one of text, no_text, url, title, visible (with a value), no_console_errors, no_failed_requests, no_failed_app_requests", answer)
	}
	st := suite.Step{Verb: verb, Value: a.Value}
	if verb == suite.VerbExpectVisible {
		st = suite.Step{Verb: verb, Target: suite.Locator{Text: a.Value}}
	}
	if valueless[verb] {
		st.Value = ""
	}
	began := time.Now()
	held, detail, err := at.verify(ctx, st)
	rec.ActMS = ms(time.Since(began))
	if err != nil {
		if isPageProblem(err) {
			return at.refuse(ctx, rec, "could not check: "+err.Error(), answer)
		}
		return at.toolBroke(ctx, rec, err.Error(), err, answer)
	}
	if !held {
		// Not an error: a check that does not hold is an answer the model
		// reasons about, not a broken call.
		rec.Outcome, rec.Failed = "not verified: "+detail, true
		at.record(ctx, rec)
		return answer(rec.Outcome, false)
	}
	outcome := "verified: " + detail
	if positive[verb] {
		at.verified++
	}
	checkpoint := ""
	if a.Checkpoint != "" {
		if i := at.matchCheckpoint(a.Checkpoint); i >= 0 {
			c := &at.checkpoints[i]
			checkpoint = c.Checkpoint
			if !c.Verified {
				c.Verified, c.Step, c.Evidence = true, at.nextIndex, detail
			}
			outcome += fmt.Sprintf("; checkpoint %q verified", c.Checkpoint)
		} else {
			outcome += fmt.Sprintf("; but there is no checkpoint %q (the checkpoints are: %s)", a.Checkpoint, at.checkpointList())
		}
	}
	rec.Outcome = outcome
	at.record(ctx, rec)
	at.done = append(at.done, ReplayStep{Step: st, Checkpoint: checkpoint})
	return answer(outcome, false)
}

// matchCheckpoint finds the checkpoint the model named: exactly, or the
// only one containing (or contained in) its words.
func (at *attempt) matchCheckpoint(name string) int {
	want := strings.ToLower(collapse(name))
	found := -1
	for i, c := range at.checkpoints {
		have := strings.ToLower(collapse(c.Checkpoint))
		if have == want {
			return i
		}
		if strings.Contains(have, want) || strings.Contains(want, have) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

func (at *attempt) checkpointList() string {
	names := make([]string, len(at.checkpoints))
	for i, c := range at.checkpoints {
		names[i] = fmt.Sprintf("%q", c.Checkpoint)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func (at *attempt) finish(ctx context.Context, a toolArgs, rec Step, t *turnState, answer reply) llm.ToolResult {
	summary := strings.TrimSpace(a.Summary)
	switch a.Verdict {
	case "passed":
		if server := at.serverErrors(); len(server) > 0 {
			msg := fmt.Sprintf("The agent reported success, but the application answered %d request(s) with a server error: %s. %s",
				len(server), strings.Join(limit(server, 3), " | "), summary)
			return at.failAndEnd(ctx, rec, "refused a pass after a server error; the test fails", VerdictFailed, "server_error", msg,
				func(string, bool) llm.ToolResult { return answer(msg, true) })
		}
		if refusal, final := at.passUnproven(); refusal != "" {
			t.finishRefusals++
			if t.finishRefusals >= 2 {
				msg := final + " " + summary
				return at.failAndEnd(ctx, rec, "refused a pass without evidence; the test fails", VerdictFailed, "unverified", msg,
					func(string, bool) llm.ToolResult { return answer(msg, true) })
			}
			return at.refuse(ctx, rec, refusal, answer)
		}
		rec.Outcome = "passed: " + summary
		at.record(ctx, rec)
		at.pass(summary, true)
		return answer("recorded: passed", false)
	case "failed":
		if summary == "" {
			summary = "The agent found that the application does not do what the test says, without saying why."
		}
		rec.Outcome, rec.Failed = "failed: "+summary, true
		at.record(ctx, rec)
		at.res.FailedStep = at.nextIndex - 1
		at.endWith(VerdictFailed, "model_verdict", summary)
		return answer("recorded: failed", false)
	default:
		return at.refuse(ctx, rec, `verdict must be "passed" or "failed"`, answer)
	}
}

// passUnproven says why a pass is not proven yet: a checkpoint not
// verified, or — for a test without checkpoints — no positive check (text,
// visible, url, title) verified by Argus at all, so a model cannot pass a
// test on its word alone. It returns what the model is told and the
// failure summary, both empty when the pass stands.
func (at *attempt) passUnproven() (refusal, final string) {
	var open []string
	for _, c := range at.checkpoints {
		if !c.Verified {
			open = append(open, fmt.Sprintf("%q", c.Checkpoint))
		}
	}
	switch {
	case len(open) > 0:
		return "Cannot pass yet: these checkpoints were not verified with assert: " + strings.Join(open, ", ") +
				". Verify them on the page, or finish with verdict failed if they cannot be observed.",
			"The agent reported success but never verified: " + strings.Join(open, ", ") + "."
	case at.verified == 0:
		return "Cannot pass yet: nothing was verified on the page. Check the outcome the test asks for with assert (text, visible, url or title), " +
				"or finish with verdict failed if it cannot be observed.",
			"The agent reported success but verified nothing on the page."
	}
	return "", ""
}

// serverErrors lists the requests to the application's own origin that
// were answered with a 5xx status: a flow the server broke in cannot pass,
// whatever the page says afterwards ("Saved" over a failed save).
func (at *attempt) serverErrors() []string {
	at.ev.news()
	app := sameOrigin(at.appURL())
	return at.ev.failedRequests(func(n browser.NetworkEvent) bool { return n.Status >= 500 && app(n) })
}

// toolBroke records a tool that failed for a reason outside the page and
// ends the attempt as an error: a broken browser is never the
// application's fault.
func (at *attempt) toolBroke(ctx context.Context, rec Step, msg string, err error, answer reply) llm.ToolResult {
	rec.Outcome, rec.Failed = msg, true
	at.record(ctx, rec)
	v, reason := classify(ctx, err)
	if v == VerdictFailed {
		v = VerdictError
	}
	at.endWith(v, reason, "The browser failed: "+err.Error())
	return answer(msg, true)
}
