package app

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// The seeded demo account. The demo suite refers to the password only
// through the placeholder {{secret.demo_password}}.
const (
	DemoName     = "Demo User"
	DemoEmail    = "demo@example.com"
	DemoPassword = "argus-demo-password"
)

// The seeded account with two-factor authentication: the same password,
// then a one-time code from an authenticator holding DemoTOTPURL. The seed
// is public, like the password, because this is a demo; the suite still
// refers to it only through {{secret.demo_totp}}.
const (
	DemoTOTPName  = "Secure Demo"
	DemoTOTPEmail = "2fa@example.com"
	DemoTOTPSeed  = "KRUGS4ZANFZSAYJAMRSW23ZAONSWKZBB"
	DemoTOTPURL   = "otpauth://totp/Lumen%20Office%20Supply:2fa@example.com?secret=" + DemoTOTPSeed + "&issuer=Lumen%20Office%20Supply&algorithm=SHA1&digits=6&period=30"
)

// The seeded seller: the shop's staff account, which sees every order and
// ships them. Same public password as the demo account.
const (
	DemoSellerName  = "Sam Seller"
	DemoSellerEmail = "seller@example.com"
)

var errEmailTaken = errors.New("email already registered")

type user struct {
	ID           int
	Name         string
	Email        string
	PasswordHash []byte
	Phone        string
	Website      string
	Bio          string
	// TOTPSeed, when set, makes a login ask for a one-time code after the
	// password.
	TOTPSeed string
	// Seller marks the shop's staff, who see every order and ship them.
	Seller bool
}

type session struct {
	userID  int
	expires time.Time
	uses    int // pages that required the login (for a calibration mutant)
}

// store is the app's in-memory state. Nothing is persisted: every start
// is a fresh demo.
type store struct {
	mu       sync.Mutex
	cost     int
	users    map[string]*user // by lower-cased email
	byID     map[int]*user
	nextID   int
	sessions map[[32]byte]session // by SHA-256 of the cookie token
	orders   []*order
	// pending are logins that passed the password and wait for a code,
	// by SHA-256 of their cookie token.
	pending map[[32]byte]session
	// dummyHash is compared against when an email is unknown, so a failed
	// login takes as long whether or not the account exists.
	dummyHash []byte
}

func newStore(cost int) (*store, error) {
	s := &store{cost: cost, users: map[string]*user{}, byID: map[int]*user{}, sessions: map[[32]byte]session{}, pending: map[[32]byte]session{}}
	var err error
	if s.dummyHash, err = bcrypt.GenerateFromPassword([]byte("no such account"), cost); err != nil {
		return nil, err
	}
	if _, err := s.createUser(DemoName, DemoEmail, DemoPassword); err != nil {
		return nil, err
	}
	secure, err := s.createUser(DemoTOTPName, DemoTOTPEmail, DemoPassword)
	if err != nil {
		return nil, err
	}
	secure.TOTPSeed = DemoTOTPSeed
	seller, err := s.createUser(DemoSellerName, DemoSellerEmail, DemoPassword)
	if err != nil {
		return nil, err
	}
	seller.Seller = true
	return s, nil
}

func (s *store) createUser(name, email, password string) (*user, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(email)
	if _, ok := s.users[key]; ok {
		return nil, errEmailTaken
	}
	s.nextID++
	u := &user{ID: s.nextID, Name: name, Email: email, PasswordHash: hash}
	s.users[key] = u
	s.byID[u.ID] = u
	return u, nil
}

// authenticate returns the user with this email and password, or nil.
func (s *store) authenticate(email, password string) *user {
	s.mu.Lock()
	u := s.users[strings.ToLower(strings.TrimSpace(email))]
	s.mu.Unlock()
	hash := s.dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || u == nil {
		return nil
	}
	return u
}

// byEmail returns the user with this email, or nil.
func (s *store) byEmail(email string) *user {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[strings.ToLower(strings.TrimSpace(email))]
}

// snapshot returns a copy of the user, safe to read without the lock.
func (s *store) snapshot(id int) (user, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.byID[id]
	if !ok {
		return user{}, false
	}
	return *u, true
}

func (s *store) updateProfile(id int, p profileForm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.byID[id]; ok {
		u.Name, u.Phone, u.Website, u.Bio = p.Name, p.Phone, p.Website, p.Bio
	}
}

// newSession returns a random token for the cookie; only its hash is kept.
func (s *store) newSession(userID int, ttl time.Duration) string {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[sha256.Sum256([]byte(token))] = session{userID: userID, expires: time.Now().Add(ttl)}
	return token
}

func (s *store) sessionUser(token string) (int, bool) {
	key := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[key]
	if !ok {
		return 0, false
	}
	if time.Now().After(sess.expires) {
		delete(s.sessions, key)
		return 0, false
	}
	return sess.userID, true
}

// useSession counts one more page that required this login and returns
// the count.
func (s *store) useSession(token string) int {
	key := sha256.Sum256([]byte(token))
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[key]
	if !ok {
		return 0
	}
	sess.uses++
	s.sessions[key] = sess
	return sess.uses
}

func (s *store) deleteSession(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sha256.Sum256([]byte(token)))
}

type product struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Category    string `json:"category"`
	PriceCents  int    `json:"price_cents"`
	Price       string `json:"price"`
	Description string `json:"description"`
}

// catalogue is fixed: the demo suite's search expectations rely on it.
var catalogue = []product{
	{1, "Desk lamp", "Lighting", 3490, "", "Adjustable LED desk lamp with a warm-white setting."},
	{2, "Floor lamp", "Lighting", 8900, "", "Tall reading lamp with a linen shade."},
	{3, "Office chair", "Furniture", 21900, "", "Ergonomic chair with lumbar support."},
	{4, "Standing desk", "Furniture", 44900, "", "Electric height-adjustable desk, 140 × 70 cm."},
	{5, "Monitor arm", "Accessories", 7450, "", "Single arm for screens up to 32 inches."},
	{6, "Wireless keyboard", "Accessories", 5990, "", "Quiet low-profile keys, three Bluetooth profiles."},
	{7, "Ergonomic mouse", "Accessories", 4590, "", "Vertical mouse that keeps your wrist straight."},
	{8, "Desk mat", "Accessories", 2490, "", "Felt desk mat, 90 × 40 cm."},
	{9, "Notebook A5", "Stationery", 1290, "", "Dotted paper, 192 pages, lies flat."},
	{10, "Fountain pen", "Stationery", 3900, "", "Steel nib, refillable converter included."},
	{11, "Whiteboard markers", "Stationery", 790, "", "Four colours, low odour."},
	{12, "Cable organiser", "Accessories", 1590, "", "Keeps chargers and cables tidy under the desk."},
}

// searchProducts returns the products whose name or category contains
// every word of the query, ignoring case, sorted by name.
func searchProducts(query string) []product {
	words := strings.Fields(strings.ToLower(query))
	var out []product
	for _, p := range catalogue {
		hay := strings.ToLower(p.Name + " " + p.Category)
		match := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				match = false
				break
			}
		}
		if match {
			p.Price = formatPrice(p.PriceCents)
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b product) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func formatPrice(cents int) string {
	return fmt.Sprintf("€%d.%02d", cents/100, cents%100)
}
