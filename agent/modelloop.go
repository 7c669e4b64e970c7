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
// the run. intro, when set, tells the model how it got here (a replay that
// stopped fitting).
func (r *run) modelLoop(ctx context.Context, intro string) {
	model := r.cfg.Model
	if model == nil {
		r.endWith(VerdictError, "model", ErrNoModel.Error())
		return
	}
	conv := &conversation{}
	conv.add(llm.User(llm.Text(r.taskPrompt(intro))))
	t := &turnState{loops: newLoopDetector(r.cfg.LoopRepeats)}
	vision := r.cfg.Vision && llm.AcceptsImages(model)

	for r.res.Verdict == "" {
		if f := r.checkBudget(ctx); f != nil {
			r.endWith(f.verdict, f.reason, f.summary)
			return
		}
		if r.obs == nil {
			if _, _, err := r.observe(ctx); err != nil {
				v, reason := classify(ctx, err)
				r.endWith(v, reason, "Could not observe the page: "+err.Error())
				return
			}
		}
		obs := r.obs
		parts := []llm.Part{llm.Text(r.observationPrompt(obs, describeNews(r.ev.news()), t.note))}
		t.note = ""
		if vision {
			if png := r.lastShot; png != nil {
				parts = append(parts, llm.PNG(png))
			} else if png, err := r.sess.Screenshot(ctx); err == nil {
				parts = append(parts, llm.PNG(png))
			}
		}
		conv.addObservation(llm.User(parts...), r.sec.forModel(obs.URL))

		began := time.Now()
		resp, err := model.Generate(ctx, &llm.Request{
			System: systemPrompt, Messages: conv.messages(), Tools: tools(), MaxOutputTokens: r.cfg.MaxOutputTokens,
		})
		modelMS := ms(time.Since(began))
		r.res.ModelCalls++
		r.res.Iterations++
		if err != nil {
			v, reason := classify(ctx, err)
			if v != VerdictCancelled {
				v, reason = VerdictError, "model"
			}
			r.record(ctx, Step{Action: "model", Outcome: "the model did not answer: " + err.Error(), Failed: true, ModelMS: modelMS})
			r.endWith(v, reason, "The model could not be reached: "+err.Error())
			return
		}
		r.res.Usage = r.res.Usage.Add(resp.Usage)
		r.pending = stepMeta{thought: resp.Text, modelMS: modelMS, input: resp.Usage.InputTokens, output: resp.Usage.OutputTokens}
		conv.add(resp.Message())

		if used := r.res.Usage.Total(); used >= r.cfg.MaxTokens {
			msg := fmt.Sprintf("Stopped: the token budget of %d is spent (%d used) before a verdict.", r.cfg.MaxTokens, used)
			r.record(ctx, Step{Action: "limit", Outcome: msg, Failed: true})
			r.endWith(VerdictError, "token_limit", msg)
			return
		}
		if len(resp.ToolCalls) == 0 {
			r.record(ctx, Step{Action: "reply", Outcome: "the model answered without calling a tool", Failed: true})
			t.note = "Your last answer called no tool. Act with a tool, verify with assert, or end with finish."
			continue
		}
		results := make([]llm.ToolResult, 0, len(resp.ToolCalls))
		stopped := false
		for _, call := range resp.ToolCalls {
			if stopped || r.res.Verdict != "" {
				results = append(results, llm.ToolResult{CallID: call.ID, Content: "not run: an earlier call in this turn failed or ended the test", IsError: true})
				continue
			}
			res := r.callTool(ctx, call, t)
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

// callTool runs one tool call, records it as a step and returns the result
// the model reads next.
func (r *run) callTool(ctx context.Context, call llm.ToolCall, t *turnState) llm.ToolResult {
	reply := func(content string, isErr bool) llm.ToolResult {
		return llm.ToolResult{CallID: call.ID, Content: r.sec.forModel(content), IsError: isErr}
	}
	args, err := decodeArgs(call.Args)
	if err != nil {
		r.record(ctx, Step{Action: call.Name, Outcome: err.Error(), Failed: true})
		return reply(err.Error(), true)
	}
	rec := Step{Action: call.Name, Args: args.asMap()}

	switch call.Name {
	case toolFinish:
		return r.finish(ctx, args, rec, t, reply)
	case toolExtract:
		return r.extract(ctx, args, rec, reply)
	case toolAssert:
		return r.assert(ctx, args, rec, reply)
	}

	st, pin, err := r.stepFor(call.Name, args)
	if err != nil {
		rec.Outcome, rec.Failed = err.Error(), true
		r.record(ctx, rec)
		return reply(err.Error(), true)
	}
	canonical, _ := json.Marshal(args)
	switch verdict, n := t.loops.see(call.Name+string(canonical), pageDigest(r.obs)); verdict {
	case loopWarn:
		msg := fmt.Sprintf("not run: this is the %d. time you ask for %s on a page that has not changed. It is not working; try something else, or finish with verdict failed and say what blocks you.", n, st)
		rec.Outcome, rec.Failed = msg, true
		r.record(ctx, rec)
		return reply(msg, true)
	case loopStop:
		msg := fmt.Sprintf("Stopped: the agent repeated %s on an unchanged page %d times, after being told once.", r.sec.forRecord(st.String()), n)
		rec.Outcome, rec.Failed = msg, true
		r.record(ctx, rec)
		r.res.FailedStep = r.nextIndex - 1
		r.endWith(VerdictError, "loop", msg)
		return reply(msg, true)
	}

	began := time.Now()
	outcome, err := r.act(ctx, st, pin)
	rec.ActMS = ms(time.Since(began))
	if err != nil {
		rec.Outcome, rec.Failed = outcome+": "+err.Error(), true
		if outcome == "" {
			rec.Outcome = err.Error()
		}
		if !isPageProblem(err) {
			r.record(ctx, rec)
			v, reason := classify(ctx, err)
			if v == VerdictFailed {
				v = VerdictError
			}
			r.endWith(v, reason, "The browser failed: "+err.Error())
			return reply(rec.Outcome, true)
		}
		if _, _, oerr := r.observe(ctx); oerr != nil {
			r.record(ctx, rec)
			v, reason := classify(ctx, oerr)
			r.endWith(v, reason, "Could not observe the page: "+oerr.Error())
			return reply(rec.Outcome, true)
		}
		r.record(ctx, rec)
		return reply(rec.Outcome+". Look at the new observation and try another way.", true)
	}
	r.remember(st, pin)
	if call.Name == toolType && args.Submit {
		if err := r.sess.PressKey(ctx, "Enter"); err != nil {
			return r.toolBroke(ctx, rec, err, reply)
		}
		outcome += " and pressed Enter"
		r.remember(suite.Step{Verb: suite.VerbPress, Key: "Enter"}, nil)
	}
	obs, observeMS, oerr := r.observe(ctx)
	rec.ObserveMS = observeMS
	if oerr == nil {
		outcome += describePage(obs)
		if news := describeNews(r.ev.news()); news != "" {
			outcome += "; " + news
		}
	}
	rec.Outcome = outcome
	r.record(ctx, rec)
	if oerr != nil {
		v, reason := classify(ctx, oerr)
		r.endWith(v, reason, "Could not observe the page after "+call.Name+": "+oerr.Error())
		return reply(outcome, true)
	}
	return reply(outcome, false)
}

// stepFor turns a model's tool call into the explicit step it amounts to,
// and the element it acts on.
func (r *run) stepFor(name string, a toolArgs) (suite.Step, *browser.Element, error) {
	element := func() (*browser.Element, error) {
		if a.Index < 1 {
			return nil, errors.New("index is required: use an [index] from the latest observation")
		}
		el, ok := r.obs.Element(a.Index)
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
	case toolClick:
		pin, err = element()
		st = suite.Step{Verb: suite.VerbClick}
	case toolType:
		pin, err = element()
		st = suite.Step{Verb: suite.VerbType, Value: a.Text}
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
	case toolUpload:
		pin, err = element()
		path := ""
		for _, p := range r.task.Uploads {
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

// remember keeps a successful action for the replay of this run.
func (r *run) remember(st suite.Step, pin *browser.Element) {
	rs := ReplayStep{Step: st}
	if pin != nil {
		rs.Element = fingerprintOf(*pin)
	}
	r.done = append(r.done, rs)
}

func (r *run) extract(ctx context.Context, a toolArgs, rec Step, reply func(string, bool) llm.ToolResult) llm.ToolResult {
	began := time.Now()
	var content, outcome string
	switch a.What {
	case "html":
		obs, err := r.sess.Observe(ctx, browser.ObserveOptions{IncludeHTML: true})
		if err != nil {
			return r.toolBroke(ctx, rec, err, reply)
		}
		content = obs.HTML
		outcome = fmt.Sprintf("read the page's HTML (%d characters)", utf8.RuneCountInString(obs.HTML))
		if obs.HTMLTruncated {
			content += fmt.Sprintf("\n[HTML truncated at %d characters]", browser.MaxHTMLChars)
		}
	case "text":
		content = r.obs.Text
		outcome = fmt.Sprintf("read the page's text (%d characters)", utf8.RuneCountInString(content))
	default:
		rec.Outcome, rec.Failed = `what must be "html" or "text"`, true
		r.record(ctx, rec)
		return reply(rec.Outcome, true)
	}
	rec.ActMS, rec.Outcome = ms(time.Since(began)), outcome
	r.record(ctx, rec)
	return reply(content, false)
}

var assertVerbs = map[string]suite.Verb{
	"text": suite.VerbExpectText, "no_text": suite.VerbExpectNoText, "url": suite.VerbExpectURL,
	"title": suite.VerbExpectTitle, "visible": suite.VerbExpectVisible, "no_console_errors": suite.VerbExpectNoConsoleErrors,
}

func (r *run) assert(ctx context.Context, a toolArgs, rec Step, reply func(string, bool) llm.ToolResult) llm.ToolResult {
	verb, ok := assertVerbs[a.Check]
	if !ok || (verb != suite.VerbExpectNoConsoleErrors && a.Value == "") {
		rec.Outcome, rec.Failed = "check must be one of text, no_text, url, title, visible, no_console_errors, with a value", true
		r.record(ctx, rec)
		return reply(rec.Outcome, true)
	}
	st := suite.Step{Verb: verb, Value: a.Value}
	if verb == suite.VerbExpectVisible {
		st = suite.Step{Verb: verb, Target: suite.Locator{Text: a.Value}}
	}
	if verb == suite.VerbExpectNoConsoleErrors {
		st.Value = ""
	}
	began := time.Now()
	held, detail, err := r.verify(ctx, st)
	rec.ActMS = ms(time.Since(began))
	if err != nil {
		if isPageProblem(err) {
			rec.Outcome, rec.Failed = "could not check: "+err.Error(), true
			r.record(ctx, rec)
			return reply(rec.Outcome, true)
		}
		return r.toolBroke(ctx, rec, err, reply)
	}
	if !held {
		rec.Outcome, rec.Failed = "not verified: "+detail, true
		r.record(ctx, rec)
		return reply(rec.Outcome, false)
	}
	outcome := "verified: " + detail
	checkpoint := ""
	if a.Checkpoint != "" {
		if i := r.matchCheckpoint(a.Checkpoint); i >= 0 {
			c := &r.checkpoints[i]
			checkpoint = c.Checkpoint
			if !c.Verified {
				c.Verified, c.Step, c.Evidence = true, r.nextIndex, detail
			}
			outcome += fmt.Sprintf("; checkpoint %q verified", c.Checkpoint)
		} else {
			outcome += fmt.Sprintf("; but there is no checkpoint %q (the checkpoints are: %s)", a.Checkpoint, r.checkpointList())
		}
	}
	rec.Outcome = outcome
	r.record(ctx, rec)
	r.done = append(r.done, ReplayStep{Step: st, Checkpoint: checkpoint})
	return reply(outcome, false)
}

// matchCheckpoint finds the checkpoint the model named: exactly, or the
// only one containing (or contained in) its words.
func (r *run) matchCheckpoint(name string) int {
	want := strings.ToLower(collapse(name))
	found := -1
	for i, c := range r.checkpoints {
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

func (r *run) checkpointList() string {
	names := make([]string, len(r.checkpoints))
	for i, c := range r.checkpoints {
		names[i] = fmt.Sprintf("%q", c.Checkpoint)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func (r *run) finish(ctx context.Context, a toolArgs, rec Step, t *turnState, reply func(string, bool) llm.ToolResult) llm.ToolResult {
	summary := strings.TrimSpace(a.Summary)
	switch a.Verdict {
	case "passed":
		var open []string
		for _, c := range r.checkpoints {
			if !c.Verified {
				open = append(open, fmt.Sprintf("%q", c.Checkpoint))
			}
		}
		if len(open) > 0 {
			t.finishRefusals++
			if t.finishRefusals >= 2 {
				msg := "The agent reported success but never verified: " + strings.Join(open, ", ") + ". " + summary
				rec.Outcome, rec.Failed = "refused a pass without evidence; the test fails", true
				r.record(ctx, rec)
				r.res.FailedStep = r.nextIndex - 1
				r.endWith(VerdictFailed, "unverified", msg)
				return reply(msg, true)
			}
			msg := "Cannot pass yet: these checkpoints were not verified with assert: " + strings.Join(open, ", ") +
				". Verify them on the page, or finish with verdict failed if they cannot be observed."
			rec.Outcome, rec.Failed = msg, true
			r.record(ctx, rec)
			return reply(msg, true)
		}
		rec.Outcome = "passed: " + summary
		r.record(ctx, rec)
		r.pass(summary, true)
		return reply("recorded: passed", false)
	case "failed":
		if summary == "" {
			summary = "The agent found that the application does not do what the test says, without saying why."
		}
		rec.Outcome, rec.Failed = "failed: "+summary, true
		r.record(ctx, rec)
		r.res.FailedStep = r.nextIndex - 1
		r.endWith(VerdictFailed, "model_verdict", summary)
		return reply("recorded: failed", false)
	default:
		rec.Outcome, rec.Failed = `verdict must be "passed" or "failed"`, true
		r.record(ctx, rec)
		return reply(rec.Outcome, true)
	}
}

// toolBroke records a tool that failed for a reason outside the page and
// ends the run.
func (r *run) toolBroke(ctx context.Context, rec Step, err error, reply func(string, bool) llm.ToolResult) llm.ToolResult {
	rec.Outcome, rec.Failed = err.Error(), true
	r.record(ctx, rec)
	v, reason := classify(ctx, err)
	if v == VerdictFailed {
		v = VerdictError
	}
	r.endWith(v, reason, "The browser failed: "+err.Error())
	return reply(err.Error(), true)
}
