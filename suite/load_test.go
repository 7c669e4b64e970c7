package suite

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func names(tests []*Test) string {
	var n []string
	for _, t := range tests {
		n = append(n, t.Name)
	}
	return strings.Join(n, " | ")
}

func TestLoadExamples(t *testing.T) {
	tests, err := Load("testdata/examples")
	if err != nil {
		t.Fatal(err)
	}
	want := "Buy a gift card | Coupon codes are validated | Remove an item from the cart | Profile photo upload | Search suggestions | Log in with a valid account"
	if got := names(tests); got != want {
		t.Fatalf("tests in order:\n got %s\nwant %s", got, want)
	}
	upload := tests[3]
	if upload.Pos.File != filepath.Join("testdata", "examples", "documents.yaml") || upload.Pos.Line != 3 {
		t.Errorf("position %v", upload.Pos)
	}
	if got, want := upload.UploadPath(upload.Steps[0].Value), filepath.Join("testdata", "examples", "files", "avatar.png"); got != want {
		t.Errorf("UploadPath = %s, want %s", got, want)
	}
	if !tests[4].HasTag("search") && tests[4].ExpectedFailure == "" {
		t.Errorf("expected_failure not read: %+v", tests[4])
	}
}

// writeFiles creates files under a temporary directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDirectory(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"b.yaml":                "name: b\ngoal: x\n",
		"a.yml":                 "name: a\ngoal: x\n",
		"sub/c.YAML":            "name: c\ngoal: x\n",
		"sub/deeper/d.yaml":     "name: d\ngoal: x\n",
		"notes.txt":             "not a test",
		"config.json":           "{}",
		".hidden.yaml":          "this is: [not parsed",
		".github/workflow.yaml": "on: push\n",
		".argus/replays/x.yaml": "garbage: [",
	})
	tests, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(tests); got != "a | b | c | d" {
		t.Fatalf("got %s", got)
	}
	if want := filepath.Join(dir, "sub", "deeper", "d.yaml"); tests[3].Pos.File != want {
		t.Errorf("file = %s, want %s", tests[3].Pos.File, want)
	}

	// Paths load in the order given; a file named twice loads once; a file
	// named explicitly loads whatever its extension.
	explicit := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(explicit, []byte("name: n\ngoal: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests, err = Load(filepath.Join(dir, "sub"), explicit, filepath.Join(dir, "sub", "c.YAML"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(tests); got != "c | d | n" {
		t.Fatalf("got %s", got)
	}
}

func TestLoadRelativePathsKeepTheirSpelling(t *testing.T) {
	dir := writeFiles(t, map[string]string{"suite/x.yaml": "name: x\nsteps: [clik]\n"})
	t.Chdir(dir)
	_, err := Load("suite")
	if err == nil || !strings.HasPrefix(err.Error(), filepath.Join("suite", "x.yaml")+":2:9: steps[0]: unknown verb") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Run("duplicate names across files", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"a.yaml": "name: Same\ngoal: x\n",
			"b.yaml": "# b\nname: Same\ngoal: y\n",
		})
		_, err := Load(dir)
		want := filepath.Join(dir, "b.yaml") + `:2:1: name: duplicate test name "Same" (also at ` + filepath.Join(dir, "a.yaml") + `:1:1)`
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("err = %v\nwant %s", err, want)
		}
	})
	t.Run("errors from several files are all reported", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"a.yaml": "name: a\nsteps: [clik]\n",
			"b.yaml": "name: b\ngoal: x\nfoo: 1\n",
			"c.yaml": "name: c\ngoal: x\n",
		})
		_, err := Load(dir)
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 2 {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(list[0].Error(), "a.yaml:2:9") || !strings.Contains(list[1].Error(), `b.yaml:3:1: unknown key "foo"`) {
			t.Fatalf("errors = %v", err)
		}
	})
	t.Run("missing upload file", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"t/a.yaml":         "name: a\nsteps:\n  - upload \"files/cv.pdf\" to \"CV\"\n  - upload \"files/here.pdf\" to \"CV\"\n  - upload \"files\" to \"CV\"\n",
			"t/files/here.pdf": "%PDF",
		})
		_, err := Load(filepath.Join(dir, "t"))
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 2 {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(list[0].Error(), `a.yaml:3:5: steps[0]: upload file "files/cv.pdf": no such file or directory (looked at `+filepath.Join(dir, "t", "files", "cv.pdf")) {
			t.Errorf("error = %v", list[0])
		}
		if !strings.Contains(list[1].Error(), `a.yaml:5:5: steps[2]: upload file "files": not a regular file`) {
			t.Errorf("error = %v", list[1])
		}
	})
	t.Run("absolute upload path", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"up.bin": "x"})
		ok := filepath.Join(dir, "up.bin")
		dir2 := writeFiles(t, map[string]string{
			"a.yaml": "name: a\nsteps:\n  - upload \"" + filepath.ToSlash(ok) + "\" to \"F\"\n",
			"b.yaml": "name: b\nsteps:\n  - upload \"" + filepath.ToSlash(ok) + ".missing\" to \"F\"\n",
		})
		_, err := Load(filepath.Join(dir2, "a.yaml"))
		if err != nil {
			t.Fatalf("existing absolute path: %v", err)
		}
		_, err = Load(filepath.Join(dir2, "b.yaml"))
		if err == nil || !strings.Contains(err.Error(), "no such file") {
			t.Fatalf("missing absolute path: %v", err)
		}
	})
	t.Run("no test files", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"readme.md": "#"})
		_, err := Load(dir)
		if !errors.Is(err, ErrNoTests) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no paths", func(t *testing.T) {
		if _, err := Load(); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("missing path", func(t *testing.T) {
		_, err := Load("testdata/does-not-exist")
		if err == nil || err.Error() != "testdata/does-not-exist: no such file or directory" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("replay cache named explicitly", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{".argus/x.yaml": "name: a\ngoal: x\n"})
		_, err := Load(filepath.Join(dir, ".argus"))
		if err == nil || !strings.Contains(err.Error(), "the replay cache, which holds no tests") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("file too large", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"big.yaml": "name: a\ngoal: x\n#" + strings.Repeat("x", MaxFileSize)})
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), "test files are at most") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files regardless of permissions")
		}
		dir := writeFiles(t, map[string]string{"a.yaml": "name: a\ngoal: x\n"})
		if err := os.Chmod(filepath.Join(dir, "a.yaml"), 0); err != nil {
			t.Fatal(err)
		}
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestLoadFS(t *testing.T) {
	fsys := fstest.MapFS{
		"suite/a.yaml":          {Data: []byte("name: a\nsteps:\n  - upload \"f/x.txt\" to \"F\"\n")},
		"suite/f/x.txt":         {Data: []byte("x")},
		"suite/z/b.yaml":        {Data: []byte("tests:\n  - name: b\n    goal: x\n")},
		"suite/.argus/r.yaml":   {Data: []byte("garbage: [")},
		"other/c.yaml":          {Data: []byte("name: c\nsteps: [nope]\n")},
		"other/missing-up.yaml": {Data: []byte("name: d\nsteps: ['upload \"nope\" to \"F\"']\n")},
	}
	tests, err := LoadFS(fsys, "suite")
	if err != nil {
		t.Fatal(err)
	}
	if names(tests) != "a | b" || tests[1].Pos.File != filepath.Join("suite", "z", "b.yaml") {
		t.Fatalf("got %s at %v", names(tests), tests[1].Pos)
	}
	_, err = LoadFS(fsys, "other")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("err = %v", err)
	}
	if _, err := LoadFS(fsys, "/abs"); err == nil || !strings.Contains(err.Error(), "not a valid path") {
		t.Fatalf("err = %v", err)
	}
}
