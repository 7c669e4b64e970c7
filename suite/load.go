package suite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNoTests is returned (wrapped) by Load and LoadFS when the paths hold no
// test files at all.
var ErrNoTests = errors.New("no test files found")

// CacheDir is the directory, inside a test directory, where the agent keeps
// saved replays. It is never loaded as tests.
const CacheDir = ".argus"

// Load reads tests from files and directories on disk. A directory is read
// recursively for *.yaml and *.yml files in lexical order, skipping hidden
// files and directories (including the replay cache CacheDir); a file
// named explicitly is read whatever its extension. Tests come back in path
// order, and within a file in the order written. Test names must be unique
// across everything loaded together. Every problem is reported in one
// ErrorList (up to MaxErrors).
func Load(paths ...string) ([]*Test, error) {
	st, err := LoadSuite(paths...)
	if err != nil {
		return nil, err
	}
	return st.Tests, nil
}

// Suite is everything loaded together: the tests (a plan's included, in
// file order), the plans, the roles the files define and the personas.
type Suite struct {
	Tests    []*Test
	Plans    []*Plan
	Roles    []*Role
	Personas []*Persona
}

// RoleSet returns the built-in roles and the suite's own.
func (s *Suite) RoleSet() Roles { return NewRoles(s.Roles) }

// Persona returns the suite's persona called name, or nil.
func (s *Suite) Persona(name string) *Persona {
	for _, p := range s.Personas {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// LoadSuite is Load returning plans, roles and personas too. Every
// test's role must be a built-in one or one the loaded files define.
func LoadSuite(paths ...string) (*Suite, error) {
	l := newLoader()
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			l.errs.add(&Error{Pos: Position{File: p}, Msg: fmt.Sprintf("resolve path: %v", err)})
			continue
		}
		root := filepath.VolumeName(abs) + string(filepath.Separator)
		rel := filepath.ToSlash(strings.TrimPrefix(abs, root))
		if rel == "" {
			rel = "."
		}
		l.osRoot = root
		l.load(os.DirFS(root), rel, p)
	}
	return l.result(paths)
}

// LoadFS is Load for a file system such as an embed.FS; paths are
// slash-separated paths in fsys. Positions in errors and tests use the
// same paths.
func LoadFS(fsys fs.FS, paths ...string) ([]*Test, error) {
	st, err := LoadSuiteFS(fsys, paths...)
	if err != nil {
		return nil, err
	}
	return st.Tests, nil
}

// LoadSuiteFS is LoadSuite for a file system such as an embed.FS.
func LoadSuiteFS(fsys fs.FS, paths ...string) (*Suite, error) {
	l := newLoader()
	for _, p := range paths {
		if !fs.ValidPath(p) {
			l.errs.add(&Error{Pos: Position{File: p}, Msg: "not a valid path in this file system (use slash-separated relative paths)"})
			continue
		}
		l.load(fsys, p, filepath.FromSlash(p))
	}
	return l.result(paths)
}

type loader struct {
	suite  Suite
	tests  []*Test
	errs   ErrorList
	names  map[string]Position
	seen   map[string]bool
	files  int
	osRoot string // set when loading from disk: absolute upload paths are checked there
}

func newLoader() *loader {
	return &loader{names: make(map[string]Position), seen: make(map[string]bool)}
}

func (l *loader) result(paths []string) (*Suite, error) {
	if len(paths) == 0 {
		return nil, errors.New("load tests: no paths given")
	}
	roles := l.suite.RoleSet()
	for _, t := range l.tests {
		if _, ok := roles[t.Role]; t.Role != "" && !ok {
			l.errs.add(&Error{Pos: t.Pos, Path: "role", Msg: roles.Unknown(t.Role)})
		}
	}
	if err := l.errs.err(); err != nil {
		return nil, err
	}
	if l.files == 0 {
		return nil, fmt.Errorf("%w in %s (test files end in .yaml or .yml)", ErrNoTests, strings.Join(paths, ", "))
	}
	l.suite.Tests = l.tests
	return &l.suite, nil
}

// define adds a file's plans, roles and personas, each name unique across
// the files.
func (l *loader) define(f *File) {
	for _, p := range f.Plans {
		if prev := l.findPlan(p.Name); prev != nil {
			l.errs.add(&Error{Pos: p.Pos, Path: "plan", Msg: fmt.Sprintf("duplicate plan name %q (also at %s); names must be unique across the suite", p.Name, prev.Pos)})
			continue
		}
		l.suite.Plans = append(l.suite.Plans, p)
	}
	for _, r := range f.Roles {
		if i := slices.IndexFunc(l.suite.Roles, func(o *Role) bool { return o.Name == r.Name }); i >= 0 {
			l.errs.add(&Error{Pos: r.Pos, Path: "roles", Msg: fmt.Sprintf("duplicate role name %q (also at %s)", r.Name, l.suite.Roles[i].Pos)})
			continue
		}
		l.suite.Roles = append(l.suite.Roles, r)
	}
	for _, p := range f.Personas {
		if prev := l.suite.Persona(p.Name); prev != nil {
			l.errs.add(&Error{Pos: p.Pos, Path: "personas", Msg: fmt.Sprintf("duplicate persona name %q (also at %s)", p.Name, prev.Pos)})
			continue
		}
		l.suite.Personas = append(l.suite.Personas, p)
	}
}

func (l *loader) findPlan(name string) *Plan {
	for _, p := range l.suite.Plans {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// load reads root (a path in fsys); display is how the user wrote it.
func (l *loader) load(fsys fs.FS, root, display string) {
	if slices.Contains(strings.Split(root, "/"), CacheDir) {
		l.errs.add(&Error{Pos: Position{File: display}, Msg: fmt.Sprintf("this is inside %s/, the replay cache, which holds no tests", CacheDir)})
		return
	}
	info, err := fs.Stat(fsys, root)
	if err != nil {
		l.errs.add(&Error{Pos: Position{File: display}, Msg: describeFSError(err)})
		return
	}
	if !info.IsDir() {
		l.file(fsys, root, display)
		return
	}
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if l.errs.full() {
			return fs.SkipAll
		}
		name := filepath.Join(display, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(p, root), "/")))
		if err != nil {
			l.errs.add(&Error{Pos: Position{File: name}, Msg: describeFSError(err)})
			return nil
		}
		hidden := p != root && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return fs.SkipDir
		case d.IsDir() || hidden || !isTestFile(d.Name()):
			return nil
		}
		l.file(fsys, p, name)
		return nil
	})
	if err != nil {
		l.errs.add(&Error{Pos: Position{File: display}, Msg: describeFSError(err)})
	}
}

func isTestFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

func (l *loader) file(fsys fs.FS, p, display string) {
	if l.seen[p] {
		return
	}
	l.seen[p] = true
	l.files++
	info, err := fs.Stat(fsys, p)
	if err != nil {
		l.errs.add(&Error{Pos: Position{File: display}, Msg: describeFSError(err)})
		return
	}
	if info.Size() > MaxFileSize {
		l.errs.add(&Error{Pos: Position{File: display}, Msg: fmt.Sprintf("file is %d bytes; test files are at most %d bytes", info.Size(), MaxFileSize)})
		return
	}
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		l.errs.add(&Error{Pos: Position{File: display}, Msg: describeFSError(err)})
		return
	}
	f, err := ParseFile(display, src)
	if err != nil {
		var list ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				l.errs.add(e)
			}
		} else {
			l.errs.add(&Error{Pos: Position{File: display}, Msg: err.Error()})
		}
		return
	}
	l.define(f)
	for _, t := range f.Tests {
		if prev, dup := l.names[t.Name]; dup {
			l.errs.add(&Error{Pos: t.Pos, Path: "name", Msg: fmt.Sprintf("duplicate test name %q (also at %s); names must be unique across the suite", t.Name, prev)})
			continue
		}
		l.names[t.Name] = t.Pos
		if l.checkUploads(fsys, path.Dir(p), t) {
			l.tests = append(l.tests, t)
		}
	}
}

// checkUploads verifies that files named in upload steps exist, so a typo
// fails at load time rather than halfway through a run.
func (l *loader) checkUploads(fsys fs.FS, dir string, t *Test) bool {
	ok := true
	for i, s := range t.Steps {
		if s.Verb != VerbUpload {
			continue
		}
		var err error
		var where string
		switch {
		case filepath.IsAbs(s.Value) && l.osRoot != "":
			where = s.Value
			var info os.FileInfo
			if info, err = os.Stat(s.Value); err == nil && !info.Mode().IsRegular() {
				err = errors.New("not a regular file")
			}
		case filepath.IsAbs(s.Value) || path.IsAbs(s.Value):
			continue // not resolvable inside an fs.FS; the runner reports it
		default:
			p := path.Join(dir, filepath.ToSlash(s.Value))
			where = t.UploadPath(s.Value)
			var info fs.FileInfo
			if info, err = fs.Stat(fsys, p); err == nil && !info.Mode().IsRegular() {
				err = errors.New("not a regular file")
			}
		}
		if err != nil {
			ok = false
			l.errs.add(&Error{Pos: t.StepPos[i], Path: fmt.Sprintf("steps[%d]", i), Msg: fmt.Sprintf("upload file %q: %s (looked at %s; relative paths are relative to the test file)", s.Value, describeFSError(err), where)})
		}
	}
	return ok
}

// describeFSError drops the path that fs errors repeat, since the error's
// position already names the file.
func describeFSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}
