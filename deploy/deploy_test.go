// Package deploy_test checks the deployment descriptions shipped with Argus
// (compose.yaml and the Kubernetes manifests in deploy/kubernetes) against
// the code: every setting they set exists in the configuration table, every
// resource they reference is there, and the probes and grace periods match
// what the server promises.
package deploy_test

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/argusqa/argus/internal/config"
)

type doc = map[string]any

func settingNames() map[string]bool {
	known := map[string]bool{}
	for _, s := range config.All {
		known[s.Env] = true
	}
	known[config.MetricsListen.Env] = true
	return known
}

func readDocs(t *testing.T, path string) []doc {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []doc
	for {
		var d doc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
}

// get walks a path of map keys.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

func str(v any) string { s, _ := v.(string); return s }

func TestKubernetesManifests(t *testing.T) {
	dir := "kubernetes"
	kust := readDocs(t, filepath.Join(dir, "kustomization.yaml"))
	if len(kust) != 1 {
		t.Fatalf("kustomization.yaml: %d documents", len(kust))
	}
	known := settingNames()
	kinds := map[string]bool{} // "Kind/name"
	var all []doc
	for _, r := range list(kust[0]["resources"]) {
		docs := readDocs(t, filepath.Join(dir, str(r)))
		for _, d := range docs {
			kinds[str(d["kind"])+"/"+str(get(d, "metadata", "name"))] = true
		}
		all = append(all, docs...)
	}
	var argusDeployments int
	for _, d := range all {
		name := str(get(d, "metadata", "name"))
		switch str(d["kind"]) {
		case "ConfigMap":
			for k := range get(d, "data").(map[string]any) {
				if !known[k] {
					t.Errorf("ConfigMap %s sets %s, which is no Argus setting", name, k)
				}
			}
			if grid := str(get(d, "data", "ARGUS_GRID_URL")); grid != "" {
				u, err := url.Parse(grid)
				if err != nil || !kinds["Service/"+u.Hostname()] {
					t.Errorf("ARGUS_GRID_URL %s names no Service of the manifests", grid)
				}
				if str(get(d, "data", "ARGUS_BROWSER")) != "grid" {
					t.Errorf("ConfigMap %s: ARGUS_GRID_URL without ARGUS_BROWSER=grid", name)
				}
			}
		case "Deployment":
			spec := get(d, "spec", "template", "spec")
			for _, c := range append(list(get(spec, "initContainers")), list(get(spec, "containers"))...) {
				if !strings.HasPrefix(str(get(c, "image")), "argus:") {
					continue
				}
				for _, e := range list(get(c, "env")) {
					if n := str(get(e, "name")); !known[n] {
						t.Errorf("Deployment %s sets %s, which is no Argus setting", name, n)
					}
				}
				for _, from := range list(get(c, "envFrom")) {
					if cm := str(get(from, "configMapRef", "name")); cm != "" && !kinds["ConfigMap/"+cm] {
						t.Errorf("Deployment %s reads ConfigMap %s, which the manifests lack", name, cm)
					}
				}
			}
			for _, c := range list(get(spec, "containers")) {
				if !strings.HasPrefix(str(get(c, "image")), "argus:") {
					continue
				}
				argusDeployments++
				if grace, _ := get(spec, "terminationGracePeriodSeconds").(uint64); grace < 30 {
					t.Errorf("Deployment %s: terminationGracePeriodSeconds %v, less than the 30 s graceful shutdown", name, get(spec, "terminationGracePeriodSeconds"))
				}
				if list(get(c, "args"))[0] == "serve" {
					if p := str(get(c, "readinessProbe", "httpGet", "path")); p != "/readyz" {
						t.Errorf("serve readiness probe on %q, want /readyz", p)
					}
					if p := str(get(c, "livenessProbe", "httpGet", "path")); p != "/healthz" {
						t.Errorf("serve liveness probe on %q, want /healthz", p)
					}
				}
			}
		case "HorizontalPodAutoscaler":
			target := str(get(d, "spec", "scaleTargetRef", "kind")) + "/" + str(get(d, "spec", "scaleTargetRef", "name"))
			if !kinds[target] {
				t.Errorf("HorizontalPodAutoscaler %s scales %s, which the manifests lack", name, target)
			}
		}
	}
	if argusDeployments != 2 {
		t.Errorf("%d Deployments run argus, want serve and worker", argusDeployments)
	}
}

func TestComposeFile(t *testing.T) {
	path := filepath.Join("..", "compose.yaml")
	docs := readDocs(t, path)
	known := settingNames()
	services, _ := docs[0]["services"].(map[string]any)
	for _, want := range []string{"postgres", "migrate", "serve", "worker-1", "worker-2"} {
		if services[want] == nil {
			t.Errorf("compose.yaml has no service %s", want)
		}
	}
	for name, svc := range services {
		if name == "postgres" {
			continue
		}
		env, _ := get(svc, "environment").(map[string]any)
		for k := range env {
			if !known[k] {
				t.Errorf("compose service %s sets %s, which is no Argus setting", name, k)
			}
		}
	}
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose is not installed; the file was checked as YAML only")
	}
	cmd := exec.CommandContext(t.Context(), bin, "-f", path, "config", "-q")
	cmd.Env = append(os.Environ(), "ARGUS_SECRET_KEY=k", "ARGUS_DB_PASSWORD=p")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
	// Without the secrets, compose refuses to start instead of running
	// with empty ones.
	cmd = exec.CommandContext(t.Context(), bin, "-f", path, "config", "-q")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "ARGUS_") {
		t.Errorf("docker-compose config without the secrets: %v\n%s", err, out)
	}
}
