package web_test

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/argusqa/argus/browser/browsertest"
	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// TestVideoPlayer: an agent with a kept recording shows a player on its
// page that Chromium loads with a duration; the file is served with range
// requests to its tenant and to no other; the project's video setting is
// saved from the settings page and a bad value is refused beside the field.
func TestVideoPlayer(t *testing.T) {
	browsertest.ChromiumPath(t)
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (apt-get install ffmpeg)")
	}
	e := newEnv(t, envOptions{})
	p, tt := e.seedProject("Shop", "Checkout")
	_, agents := e.seedRun(p, tt.ID)
	w := e.worker(agents[0])
	w.start()
	w.step(1, "look", "click", "ok", pngBytes())

	// A real WebM, two seconds of ffmpeg's test pattern.
	path := filepath.Join(t.TempDir(), "v.webm")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x200:rate=5",
		"-c:v", "libvpx", "-f", "webm", path).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, out)
	}
	webm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ag := agents[0]
	k := storage.VideoKey(ag.TenantID.String(), ag.ID.String(), 1)
	if err := e.blobs.Put(e.ctx, k, webm, "video/webm"); err != nil {
		t.Fatal(err)
	}
	u := "http://localhost:8080/api/v1/agents/" + ag.ID.String() + "/video"
	if _, err := e.st.FinishAgent(e.ctx, ag.TenantID, ag.ID, store.AgentResult{Status: store.StatusFailed, Summary: "no confirmation",
		VideoKey: &k, VideoURL: &u}); err != nil {
		t.Fatal(err)
	}

	max := e.login("max@example.com")
	res := max.get("/agents/" + ag.ID.String() + "/video")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "video/webm" || res.Body != string(webm) {
		t.Fatalf("own video: %d %s %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(res.Body))
	}
	req, _ := http.NewRequest("GET", e.url+"/agents/"+ag.ID.String()+"/video", nil)
	req.Header.Set("Range", "bytes=10-19")
	if res := max.do(req); res.StatusCode != http.StatusPartialContent || res.Body != string(webm[10:20]) {
		t.Fatalf("range: %d %q", res.StatusCode, res.Body)
	}

	eve := e.otherTenantAdmin()
	if res := eve.get("/agents/" + ag.ID.String() + "/video"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another tenant's video: %d", res.StatusCode)
	}

	b := openBrowser(t, e, 1280, 900)
	b.login("max@example.com")
	b.open("/agents/" + ag.ID.String())
	b.waitFor(`document.querySelector("video.recording") && document.querySelector("video.recording").readyState >= 1 && document.querySelector("video.recording").duration > 0`)
	var dur float64
	b.eval(`document.querySelector("video.recording").duration`, &dur)
	if dur <= 0 {
		t.Fatalf("player duration %v", dur)
	}
	b.shot("agent-video")

	// The project's setting, through the settings form.
	settings := "/projects/" + p.ID.String() + "/settings"
	form := url.Values{"name": {"Shop"}, "base_url": {"http://app.test"}, "video": {"on-failure"}}
	if res := max.post(settings, form); res.StatusCode != http.StatusOK && res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	if got, _ := e.st.GetProject(e.ctx, p.TenantID, p.ID); got.Video != "on-failure" {
		t.Fatalf("project video %q after saving on-failure", got.Video)
	}
	form.Set("video", "sometimes")
	if res := max.post(settings, form); res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("save video=sometimes: %d, want a refusal", res.StatusCode)
	}
}
