// Go net/http for tst_audit_live: hand-written origin checks as real handlers write them, and
// rs/cors, one path each, each wrong in one way except /allowlist. ./server PORT
package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/rs/cors"
)

const trusted = "https://app.example.com"

// originCheck decides whether a request's Origin is let in.
type originCheck func(origin string) bool

// withCORS answers like most hand-written Go middleware: the origin echoed when the check passes,
// credentials, and preflights answered here with 204.
func withCORS(allowed originCheck, preflight func(h http.Header, r *http.Request),
	next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		if origin := r.Header.Get("Origin"); origin != "" && allowed(origin) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			preflight(w.Header(), r)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next(w, r)
	}
}

// fixedPreflight grants what the front end uses, and nothing else.
func fixedPreflight(h http.Header, _ *http.Request) {
	h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
}

// echoPreflight grants whatever the preflight asks for ("so we never have to touch it again").
func echoPreflight(h http.Header, r *http.Request) {
	h.Set("Access-Control-Allow-Methods", r.Header.Get("Access-Control-Request-Method"))
	h.Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
}

func exactly(origin string) bool { return origin == trusted }

func data(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Total-Count", "42")
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, "{\"user\":\"alice\",\"path\":%q}\n", r.URL.Path)
}

func main() {
	mux := http.NewServeMux()
	// "Starts with our app": so does app.example.com.attacker.test.
	mux.HandleFunc("/hasprefix", withCORS(func(o string) bool {
		return strings.HasPrefix(o, trusted)
	}, fixedPreflight, data))
	// "Mentions our app": anywhere in the origin.
	mux.HandleFunc("/contains", withCORS(func(o string) bool {
		return strings.Contains(o, "app.example.com")
	}, fixedPreflight, data))
	// "Any of our subdomains": over plain http too.
	mux.HandleFunc("/hassuffix", withCORS(func(o string) bool {
		return strings.HasSuffix(o, ".example.com")
	}, fixedPreflight, data))
	// The prefix check "fixed": a port may follow the host, a dot (another domain) may not; but
	// other characters some browsers keep in a host may.
	mux.HandleFunc("/port-check", withCORS(func(o string) bool {
		return o == trusted || (strings.HasPrefix(o, trusted) && o[len(trusted)] != '.')
	}, fixedPreflight, data))
	// The right origin, but the preflight grants any method and header.
	mux.HandleFunc("/echo-preflight", withCORS(exactly, echoPreflight, data))
	// rs/cors with a wildcard origin: every subdomain, with credentials.
	mux.Handle("/subdomains", cors.New(cors.Options{
		AllowedOrigins:   []string{"https://*.example.com"},
		AllowedHeaders:   []string{"Content-Type"},
		AllowCredentials: true,
	}).Handler(http.HandlerFunc(data)))
	// Right: the app alone, with credentials and Vary: Origin.
	mux.HandleFunc("/allowlist", withCORS(exactly, fixedPreflight, data))
	if err := http.ListenAndServe("127.0.0.1:"+os.Args[1], mux); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
