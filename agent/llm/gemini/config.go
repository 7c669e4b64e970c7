package gemini

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"cloud.google.com/go/auth"

	"github.com/argusqa/argus/agent/llm"
)

// Backend selects the API serving Gemini.
type Backend string

const (
	// GeminiAPI is the Gemini Developer API (generativelanguage.googleapis.com),
	// authenticated with an API key.
	GeminiAPI Backend = "gemini"
	// VertexAI is Vertex AI in a Google Cloud project and location,
	// authenticated with OAuth credentials (application default credentials
	// unless given).
	VertexAI Backend = "vertex"
)

// DefaultGeminiBaseURL is the Gemini API's endpoint.
const DefaultGeminiBaseURL = "https://generativelanguage.googleapis.com/"

// Config configures a Gemini model on either backend.
type Config struct {
	// Backend is GeminiAPI or VertexAI. Default GeminiAPI.
	Backend Backend
	// Model is the model id, e.g. "gemini-2.5-flash". Required.
	Model string

	// APIKey authenticates on the Gemini API. Required there; unused on
	// Vertex AI.
	APIKey string

	// Project is the Google Cloud project id. Required on Vertex AI.
	Project string
	// Location is the Vertex AI region, e.g. "europe-west1", or "global".
	// Required on Vertex AI: where prompts are processed is a data
	// residency decision, so there is no default.
	Location string
	// Credentials authenticate on Vertex AI. Default: application default
	// credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, or the metadata
	// server), scoped to cloud-platform.
	Credentials *auth.Credentials

	// BaseURL is the API root. Default DefaultGeminiBaseURL on the Gemini
	// API; on Vertex AI the regional endpoint of Location
	// (https://{location}-aiplatform.googleapis.com/, the global or
	// multi-region one where that applies).
	BaseURL string
	// AcceptImages sends image parts as inline data. Default false; the
	// provider factory turns it on, as every current Gemini model reads
	// images.
	AcceptImages bool
	// Timeout bounds one HTTP exchange. Default llm.DefaultCallTimeout
	// (120 s).
	Timeout time.Duration
	// HTTPClient replaces the default client. Its transport is wrapped to
	// record response status and headers (and, on Vertex AI, to add the
	// credentials' token).
	HTTPClient *http.Client
	// Logger receives debug logs. Default discards.
	Logger *slog.Logger
}

// WithDefaults fills in defaults.
func (c Config) WithDefaults() Config {
	if c.Backend == "" {
		c.Backend = GeminiAPI
	}
	if c.BaseURL == "" {
		c.BaseURL = defaultBaseURL(c.Backend, c.Location)
	}
	if c.Timeout == 0 {
		c.Timeout = llm.DefaultCallTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// defaultBaseURL follows the endpoints the genai SDK itself would pick.
func defaultBaseURL(b Backend, location string) string {
	if b != VertexAI {
		return DefaultGeminiBaseURL
	}
	switch location {
	case "":
		return ""
	case "global":
		return "https://aiplatform.googleapis.com/"
	case "us", "eu":
		return fmt.Sprintf("https://aiplatform.%s.rep.googleapis.com/", location)
	default:
		return fmt.Sprintf("https://%s-aiplatform.googleapis.com/", location)
	}
}

var locationRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func (c Config) validate() error {
	var errs []error
	if c.Model == "" {
		errs = append(errs, errors.New("model is required (e.g. gemini-2.5-flash)"))
	}
	switch c.Backend {
	case GeminiAPI:
		if c.APIKey == "" {
			errs = append(errs, errors.New("an API key is required on the Gemini API (GEMINI_API_KEY, e.g. \"AIza...\")"))
		}
	case VertexAI:
		if c.Project == "" {
			errs = append(errs, errors.New("a project is required on Vertex AI (GOOGLE_CLOUD_PROJECT, e.g. my-project-123)"))
		}
		if !locationRE.MatchString(c.Location) {
			errs = append(errs, fmt.Errorf("a location is required on Vertex AI (GOOGLE_CLOUD_LOCATION, e.g. europe-west1 or global), got %q", c.Location))
		}
	default:
		errs = append(errs, fmt.Errorf("backend %q is unknown: use %q or %q", c.Backend, GeminiAPI, VertexAI))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("base URL %q must be an absolute http(s) URL such as %s", c.BaseURL, DefaultGeminiBaseURL))
		}
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %s is negative", c.Timeout))
	}
	return errors.Join(errs...)
}
