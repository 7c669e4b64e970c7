package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/argusqa/argus/browser/webdriver"
)

//go:embed pageagent.js
var pageAgentSource string

// PageAgentSource returns the JavaScript of the page agent: the script that
// Observe and the actions run inside the page. It is a function expression
// taking the name of the window property to install the agent under, and
// returning the agent. It is exported for tools that must do the identical
// in-page work over another protocol, such as the raw CDP baseline in
// bench/; sessions install it themselves.
func PageAgentSource() string { return pageAgentSource }

// agentMissing is what the short call expression returns when the current
// document has no page agent yet (a new document since the last call).
const agentMissing = "__argus_agent_missing__"

// agentBusy is the page agent's answer while its document is being
// replaced or still loading (see busy() in pageagent.js).
const agentBusy = `{"busy":1}`

// forcer is implemented by agent arguments that can be re-sent with force
// set, after the session waited for the page.
type forcer interface{ forced() any }

func (a observeArgs) forced() any    { a.Force = true; return a }
func (r resolveRequest) forced() any { r.Force = true; return r }

// agentError is an error the page agent reported.
type agentError struct {
	Err string `json:"err"`
	Msg string `json:"msg"`
}

func (e agentError) toError() error {
	sentinel := map[string]error{
		"stale":         ErrStaleTarget,
		"notfound":      ErrNotFound,
		"notactionable": ErrNotActionable,
		"invalid":       ErrInvalidTarget,
	}[e.Err]
	if sentinel == nil {
		return fmt.Errorf("page agent: %s: %s", e.Err, e.Msg)
	}
	return fmt.Errorf("%w: %s", sentinel, e.Msg)
}

// agentExpr builds the JavaScript expression that calls method on the page
// agent. The short form assumes the agent is installed; the full form
// installs it first.
func (s *wdSession) agentExpr(method string, install bool, args ...any) (string, error) {
	var b strings.Builder
	key, _ := json.Marshal(s.key)
	argv := make([]string, len(args))
	for i, a := range args {
		j, err := json.Marshal(a)
		if err != nil {
			return "", fmt.Errorf("encode %s argument: %w", method, err)
		}
		argv[i] = string(j)
	}
	call := "." + method + "(" + strings.Join(argv, ",") + ")"
	b.WriteString("(function(){var k=")
	b.Write(key)
	b.WriteString(";")
	if install {
		b.WriteString("if(!window[k])Object.defineProperty(window,k,{value:(")
		b.WriteString(pageAgentSource)
		b.WriteString(")(k),configurable:true,enumerable:false});return window[k]")
		b.WriteString(call)
	} else {
		b.WriteString("var a=window[k];return a?a")
		b.WriteString(call)
		b.WriteString(":")
		miss, _ := json.Marshal(agentMissing)
		b.Write(miss)
	}
	b.WriteString("})()")
	return b.String(), nil
}

// callAgent runs method on the page agent and decodes its JSON answer into
// out. An answer carrying an agent error becomes a Go error.
func (s *wdSession) callAgent(ctx context.Context, method string, out any, args ...any) error {
	raw, err := s.evalAgent(ctx, method, args...)
	if err != nil {
		return err
	}
	if raw == agentBusy && len(args) > 0 {
		if f, ok := args[0].(forcer); ok {
			if err := s.waitForPage(ctx); err != nil {
				return err
			}
			args = append([]any{f.forced()}, args[1:]...)
			if raw, err = s.evalAgent(ctx, method, args...); err != nil {
				return err
			}
		}
	}
	// Errors are the only answers whose first key is "err" (see fail() in
	// pageagent.js), so large answers are decoded once.
	if strings.HasPrefix(raw, `{"err":`) {
		var ae agentError
		if err := json.Unmarshal([]byte(raw), &ae); err != nil {
			return fmt.Errorf("page agent %s: decode answer: %w", method, err)
		}
		return ae.toError()
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal([]byte(raw), out); err != nil {
		return fmt.Errorf("page agent %s: decode answer: %w", method, err)
	}
	return nil
}

// evalAgent evaluates an agent call, installing the agent when the
// document lacks it, and returns the JSON string it produced.
func (s *wdSession) evalAgent(ctx context.Context, method string, args ...any) (string, error) {
	for attempt := 0; ; attempt++ {
		expr, err := s.agentExpr(method, false, args...)
		if err != nil {
			return "", err
		}
		v, err := s.evalString(ctx, expr)
		if err == nil && v == agentMissing {
			if expr, err = s.agentExpr(method, true, args...); err != nil {
				return "", err
			}
			v, err = s.evalString(ctx, expr)
		}
		// A navigation can replace the document while the script runs;
		// wait for the new one and ask it.
		if err != nil && attempt < 2 && contextDestroyed(err) && ctx.Err() == nil {
			if werr := s.waitForPage(ctx); werr != nil {
				return "", werr
			}
			continue
		}
		return v, err
	}
}

// waitForPage waits for a navigation in progress to finish. Any classic
// WebDriver command does, since the driver tracks page loads; reading the
// URL is the cheapest. A page that never finishes loading is observed as
// it is once the page load timeout has passed.
func (s *wdSession) waitForPage(ctx context.Context) error {
	_, err := s.wd.CurrentURL(ctx)
	if errors.Is(err, webdriver.ErrTimeout) {
		s.logger.Debug("page still loading after the page load timeout; observing it as it is")
		return nil
	}
	if err != nil {
		return fmt.Errorf("wait for the page to load: %w", err)
	}
	return nil
}

// cdpCall sends one DevTools command over the fastest channel the session has:
// the direct DevTools connection, else chromedriver's pass-through.
func (s *wdSession) cdpCall(ctx context.Context, method string, params, result any) error {
	if s.devtools != nil {
		return s.devtools.Call(ctx, method, params, result)
	}
	return s.wd.CallCDP(ctx, method, params, result)
}

// evalString evaluates expr in the top-level document and returns its
// string value: through CDP Runtime.evaluate where available (awaiting a
// returned promise), else through W3C Execute Script.
func (s *wdSession) evalString(ctx context.Context, expr string) (string, error) {
	if !s.cdp {
		raw, err := s.wd.ExecuteScript(ctx, "return "+expr)
		if err != nil {
			return "", err
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", fmt.Errorf("page agent answered %s, not a string", snippet(raw))
		}
		return v, nil
	}
	var r evalAnswer
	err := s.cdpCall(ctx, "Runtime.evaluate", evaluateParams{
		Expression: expr, ReturnByValue: true, AwaitPromise: true,
		Timeout: s.cfg.ScriptTimeout.Milliseconds(),
	}, &r)
	if err != nil {
		return "", err
	}
	if d := r.ExceptionDetails; d != nil {
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg = d.Exception.Description
		}
		return "", fmt.Errorf("page script failed: %s", firstLine(msg))
	}
	if !r.Result.Value.isString {
		return "", fmt.Errorf("page agent answered a %s, not a string", r.Result.Type)
	}
	return r.Result.Value.s, nil
}

// evaluateParams are Runtime.evaluate's parameters as the page agent's
// calls send them. A struct, not a map: it is encoded on every call.
type evaluateParams struct {
	Expression    string `json:"expression"`
	ReturnByValue bool   `json:"returnByValue"`
	AwaitPromise  bool   `json:"awaitPromise"`
	// Timeout (ms) ends our own script if it ever spins (a pathological
	// page); the driver would otherwise wait for it indefinitely.
	Timeout int64 `json:"timeout"`
}

// contextDestroyed reports the errors a script gets when its document goes
// away under it.
func contextDestroyed(err error) bool {
	var m string
	var werr *webdriver.Error
	var cerr *webdriver.CDPError
	switch {
	case errors.As(err, &werr):
		m = werr.Message
	case errors.As(err, &cerr):
		m = cerr.Message
	default:
		return false
	}
	return strings.Contains(m, "Execution context was destroyed") ||
		strings.Contains(m, "Cannot find context") ||
		strings.Contains(m, "Inspected target navigated or closed") ||
		strings.Contains(m, "frame was detached") ||
		errors.Is(err, webdriver.ErrStaleElementReference)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func snippet(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}
