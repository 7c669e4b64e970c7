package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/argusqa/argus/browser"
	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/browser/local"
)

// The page: 300 buttons, as in the product's benchmark.
const buttonsPath = "/buttons?n=300"

type percentiles []time.Duration

func (p percentiles) at(q float64) time.Duration {
	s := slices.Clone(p)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkClickObserve runs the click + observe loop through Argus and
// through chromedp over a direct CDP WebSocket, alternating iteration by
// iteration so that all see the same machine load. All loops run the same
// page agent script in the page:
//
//   - argus: Session.Click (resolve the index, check actionability, trusted
//     mouse press/release) then Session.Observe, on a local-provider session
//     (DevTools commands over the browser's own DevTools socket).
//   - argus-passthrough: the same through chromedriver's CDP pass-through,
//     as with a browser in a container or behind a grid.
//   - chromedp-same: the same steps as raw CDP commands: Runtime.evaluate of
//     the agent's resolve, two Input.dispatchMouseEvent, Runtime.evaluate
//     of observe, JSON decoded in Go.
//   - chromedp-min: the bare loop without checks: press/release at the
//     centre from the last observation, then Runtime.evaluate of observe.
func BenchmarkClickObserve(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	srv := browsertest.NewServer(b)
	url := srv.URL(buttonsPath)

	argus := openArgus(ctx, b, browser.SessionConfig{})
	if err := argus.Navigate(ctx, url); err != nil {
		b.Fatal(err)
	}
	obs, err := argus.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var targets []int
	for _, e := range obs.Elements {
		if e.InViewport {
			targets = append(targets, e.Index)
		}
	}
	if len(obs.Elements) != 300 || len(targets) == 0 {
		b.Fatalf("argus observed %d elements, %d in view", len(obs.Elements), len(targets))
	}

	pass := openArgus(ctx, b, browser.SessionConfig{DisableDirectCDP: true})
	if err := pass.Navigate(ctx, url); err != nil {
		b.Fatal(err)
	}
	if _, err := pass.Observe(ctx, browser.ObserveOptions{}); err != nil {
		b.Fatal(err)
	}

	cdpCtx := openChromedp(ctx, b)
	if err := chromedp.Do(cdpCtx, chromedp.Navigate(url)); err != nil {
		b.Fatal(err)
	}
	agent := newRawAgent(cdpCtx, b)
	last, err := agent.observe()
	if err != nil {
		b.Fatal(err)
	}
	if len(last.Els) != 300 {
		b.Fatalf("chromedp observed %d elements", len(last.Els))
	}

	var tArgus, tPass, tSame, tMin percentiles
	var idx int
	loops := []func() error{
		func() error {
			t0 := time.Now()
			if _, err := argus.Click(ctx, browser.ByIndex(idx)); err != nil {
				return err
			}
			if _, err := argus.Observe(ctx, browser.ObserveOptions{}); err != nil {
				return err
			}
			tArgus = append(tArgus, time.Since(t0))
			return nil
		},
		func() error {
			t0 := time.Now()
			if _, err := pass.Click(ctx, browser.ByIndex(idx)); err != nil {
				return err
			}
			if _, err := pass.Observe(ctx, browser.ObserveOptions{}); err != nil {
				return err
			}
			tPass = append(tPass, time.Since(t0))
			return nil
		},
		func() error {
			t0 := time.Now()
			if err := agent.clickChecked(last, idx); err != nil {
				return err
			}
			if last, err = agent.observe(); err != nil {
				return err
			}
			tSame = append(tSame, time.Since(t0))
			return nil
		},
		func() error {
			t0 := time.Now()
			if err := agent.clickAt(last, idx); err != nil {
				return err
			}
			if last, err = agent.observe(); err != nil {
				return err
			}
			tMin = append(tMin, time.Since(t0))
			return nil
		},
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		idx = targets[i%len(targets)]
		// Rotate which loop goes first: each one runs while the browser
		// before it may still be rendering its last click.
		for j := range loops {
			if err := loops[(i+j)%len(loops)](); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()

	for _, m := range []struct {
		name string
		p    percentiles
	}{{"argus", tArgus}, {"argus-passthrough", tPass}, {"chromedp-same", tSame}, {"chromedp-min", tMin}} {
		b.ReportMetric(ms(m.p.at(0.50)), m.name+"-p50-ms")
		b.ReportMetric(ms(m.p.at(0.95)), m.name+"-p95-ms")
	}
	b.ReportMetric(float64(tArgus.at(0.5))/float64(tSame.at(0.5)), "ratio-vs-same")
	b.ReportMetric(float64(tArgus.at(0.5))/float64(tMin.at(0.5)), "ratio-vs-min")
	b.ReportMetric(0, "ns/op")

	// Both pages counted every click as a trusted click.
	want := len(tArgus)
	raw, err := argus.ExecuteScript(ctx, "return +document.getElementById('count').textContent")
	if err != nil || string(raw) != fmt.Sprint(want) {
		b.Errorf("argus page counted %s clicks, want %d (%v)", raw, want, err)
	}
	n, err := chromedp.Run(cdpCtx, chromedp.Evaluate[int]("+document.getElementById('count').textContent"))
	if err != nil || n != 2*want {
		b.Errorf("chromedp page counted %d clicks, want %d (%v)", n, 2*want, err)
	}
}

// BenchmarkClickObserveClassic is the same loop through classic W3C
// commands only (what a remote end without the CDP pass-through gets).
func BenchmarkClickObserveClassic(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	srv := browsertest.NewServer(b)
	s := openArgus(ctx, b, browser.SessionConfig{DisableCDP: true})
	if err := s.Navigate(ctx, srv.URL(buttonsPath)); err != nil {
		b.Fatal(err)
	}
	obs, err := s.Observe(ctx, browser.ObserveOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var targets []int
	for _, e := range obs.Elements {
		if e.InViewport {
			targets = append(targets, e.Index)
		}
	}
	var t percentiles
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if _, err := s.Click(ctx, browser.ByIndex(targets[i%len(targets)])); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Observe(ctx, browser.ObserveOptions{}); err != nil {
			b.Fatal(err)
		}
		t = append(t, time.Since(t0))
	}
	b.ReportMetric(ms(t.at(0.50)), "p50-ms")
	b.ReportMetric(ms(t.at(0.95)), "p95-ms")
	b.ReportMetric(0, "ns/op")
}

func openArgus(ctx context.Context, b *testing.B, scfg browser.SessionConfig) browser.Session {
	return openArgusCfg(ctx, b, scfg)
}

func openArgusCfg(ctx context.Context, b testing.TB, scfg browser.SessionConfig) browser.Session {
	p, err := local.New(local.Config{Session: scfg})
	if err != nil {
		b.Skip(err)
	}
	b.Cleanup(func() { _ = p.Close(context.Background()) })
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// openChromedp starts Chromium with the same flags and window size as
// Argus's sessions and returns a chromedp context on its first tab.
func openChromedp(ctx context.Context, b *testing.B) context.Context { return openChromedpT(ctx, b) }

func openChromedpT(ctx context.Context, b testing.TB) context.Context {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browsertest.ChromiumPath(b)),
		chromedp.UserDataDir(b.TempDir()),
		chromedp.WindowSize(browser.DefaultWidth, browser.DefaultHeight),
	}
	for _, a := range browser.DefaultChromeArgs() {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	cctx, cancelCtx := chromedp.NewContext(alloc)
	b.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(cctx); err != nil {
		b.Fatalf("start chromium for chromedp: %v", err)
	}
	return cctx
}

// rawAgent drives the page agent over raw CDP.
type rawAgent struct {
	ctx context.Context
	key string
}

func newRawAgent(ctx context.Context, b *testing.B) *rawAgent {
	a := &rawAgent{ctx: ctx, key: "__argus_bench"}
	install(b, a)
	return a
}

func install(b testing.TB, a *rawAgent) {
	k, _ := json.Marshal(a.key)
	install := "(function(){var k=" + string(k) + ";if(!window[k])Object.defineProperty(window,k,{value:(" +
		browser.PageAgentSource() + ")(k),configurable:true});return 'ok'})()"
	if _, err := a.eval(install); err != nil {
		b.Fatalf("install page agent: %v", err)
	}
}

func (a *rawAgent) eval(expr string) (string, error) {
	return chromedp.Run(a.ctx, func(ctx context.Context, t *chromedp.Target) (string, error) {
		yes := true
		r, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: expr, ReturnByValue: &yes, AwaitPromise: &yes})
		if err != nil {
			return "", err
		}
		if r.ExceptionDetails != nil {
			return "", fmt.Errorf("page script: %s", r.ExceptionDetails.Text)
		}
		var out string
		if err := json.Unmarshal(r.Result.Value, &out); err != nil {
			return "", fmt.Errorf("page agent answered %s: %w", r.Result.Value, err)
		}
		return out, nil
	})
}

// rawObservation mirrors what Session.Observe decodes.
type rawObservation struct {
	Tok   string `json:"tok"`
	URL   string `json:"url"`
	Title string `json:"title"`
	Els   []struct {
		I  int        `json:"i"`
		G  string     `json:"g"`
		R  string     `json:"r"`
		N  string     `json:"n"`
		V  string     `json:"v"`
		IV int        `json:"iv"`
		B  [4]float64 `json:"b"`
		PA string     `json:"pa"`
	} `json:"els"`
	Text string `json:"text"`
}

func (a *rawAgent) observe() (*rawObservation, error) {
	s, err := a.eval(`window["` + a.key + `"].observe({"maxText":8000,"maxHTML":15000,"html":false})`)
	if err != nil {
		return nil, err
	}
	var o rawObservation
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// clickChecked does what Session.Click does: resolve the index against the
// observation's fingerprint and wait until actionable, then press.
func (a *rawAgent) clickChecked(o *rawObservation, idx int) error {
	for _, e := range o.Els {
		if e.I != idx {
			continue
		}
		req, _ := json.Marshal(map[string]any{
			"action": "click", "timeout": 5000, "index": idx, "tok": o.Tok,
			"fp": map[string]string{"g": e.G, "r": e.R, "n": e.N}, "prev": e.B,
		})
		s, err := a.eval(`window["` + a.key + `"].resolve(` + string(req) + `)`)
		if err != nil {
			return err
		}
		var res struct {
			X, Y float64
			Err  string `json:"err"`
			Msg  string `json:"msg"`
		}
		if err := json.Unmarshal([]byte(s), &res); err != nil {
			return err
		}
		if res.Err != "" {
			return fmt.Errorf("%s: %s", res.Err, res.Msg)
		}
		return a.mouse(res.X, res.Y)
	}
	return fmt.Errorf("index %d not observed", idx)
}

// clickAt presses at the element's centre from the observation, unchecked.
func (a *rawAgent) clickAt(o *rawObservation, idx int) error {
	for _, e := range o.Els {
		if e.I == idx {
			return a.mouse(e.B[0]+e.B[2]/2, e.B[1]+e.B[3]/2)
		}
	}
	return fmt.Errorf("index %d not observed", idx)
}

func (a *rawAgent) mouse(x, y float64) error {
	return chromedp.Do(a.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMousePressed, X: x, Y: y, Button: input.MouseButtonLeft, Buttons: 1, ClickCount: 1}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseReleased, X: x, Y: y, Button: input.MouseButtonLeft, ClickCount: 1})
		return err
	}))
}
