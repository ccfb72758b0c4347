package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Transport is how the service meets the network. The zero value of a
// field means its default, given with the field.
type Transport struct {
	// BaseURL is the public URL of the service, such as
	// https://safetynet.example.org. When it is https the session cookie
	// is Secure and every response carries Strict-Transport-Security, as
	// they do for a request that came over HTTPS directly or, through a
	// trusted proxy, with X-Forwarded-Proto: https. Default: none.
	BaseURL string
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from any other peer they are
	// ignored and the peer is the client. Default: none.
	TrustedProxies []netip.Prefix
	// HSTSMaxAge is the max-age of Strict-Transport-Security (default
	// 365 days).
	HSTSMaxAge time.Duration
	// ReadHeaderTimeout bounds reading a request's headers (default 10s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (default
	// 60s), so a client that stalls in its body is cut off.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end
	// of its response (default 60s).
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request (default 120s).
	IdleTimeout time.Duration
	// LongWriteTimeout is the write deadline, in place of WriteTimeout, of
	// the routes in longRoutes: file downloads, batch runs and reports over
	// a whole region (default 10 minutes).
	LongWriteTimeout time.Duration
}

// DefaultTransport returns the default transport: no base URL, no trusted
// proxy, and the default timeouts.
func DefaultTransport() Transport {
	return Transport{HSTSMaxAge: 365 * 24 * time.Hour, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, LongWriteTimeout: 10 * time.Minute}
}

// withDefaults returns t with each zero duration set to its default, or an
// error if the base URL is not an absolute http or https URL or a duration
// is negative.
func (t Transport) withDefaults() (Transport, error) {
	if t.BaseURL != "" {
		u, err := url.Parse(t.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return t, fmt.Errorf("base URL %q: want an absolute http or https URL", t.BaseURL)
		}
	}
	d := DefaultTransport()
	for _, f := range []struct{ v, def *time.Duration }{
		{&t.HSTSMaxAge, &d.HSTSMaxAge}, {&t.ReadHeaderTimeout, &d.ReadHeaderTimeout}, {&t.ReadTimeout, &d.ReadTimeout},
		{&t.WriteTimeout, &d.WriteTimeout}, {&t.IdleTimeout, &d.IdleTimeout}, {&t.LongWriteTimeout, &d.LongWriteTimeout},
	} {
		if *f.v < 0 {
			return t, errors.New("transport timeouts must not be negative")
		}
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	return t, nil
}

// httpsBase reports whether the base URL is https.
func (t Transport) httpsBase() bool { return strings.HasPrefix(strings.ToLower(t.BaseURL), "https://") }

// trusted reports whether a is a trusted proxy.
func (t Transport) trusted(a netip.Addr) bool {
	for _, p := range t.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// NewHTTPServer returns the http.Server that serves h with the timeouts of
// t (zero fields take their defaults), logging its own errors to logger.
func NewHTTPServer(h http.Handler, t Transport, logger *slog.Logger) (*http.Server, error) {
	t, err := t.withDefaults()
	if err != nil {
		return nil, err
	}
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeaderTimeout, ReadTimeout: t.ReadTimeout,
		WriteTimeout: t.WriteTimeout, IdleTimeout: t.IdleTimeout, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}, nil
}

// ParseTrustedProxies parses a comma-separated list of addresses and CIDR
// prefixes, such as "10.0.0.0/8,192.0.2.1".
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an address or a CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// withClient finds the client's address and whether it came over HTTPS,
// believing X-Forwarded-For and X-Forwarded-Proto only from a trusted
// proxy, and sends Strict-Transport-Security over HTTPS.
func (s *server) withClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		info.client, info.secure = s.clientOf(r)
		if info.secure {
			w.Header().Set("Strict-Transport-Security", "max-age="+strconv.FormatInt(int64(s.cfg.HSTSMaxAge/time.Second), 10))
		}
		next.ServeHTTP(w, r)
	})
}

// clientOf returns the client address of r and whether the client used
// HTTPS. From a trusted peer, X-Forwarded-For is read from the right,
// skipping trusted proxies: the first untrusted address is the client.
func (s *server) clientOf(r *http.Request) (string, bool) {
	secure := r.TLS != nil || s.cfg.httpsBase()
	peer, ok := remoteAddr(r.RemoteAddr)
	if !ok {
		return "", secure
	}
	if !s.cfg.trusted(peer) {
		return peer.String(), secure
	}
	if protos := r.Header.Values("X-Forwarded-Proto"); len(protos) > 0 {
		last := protos[len(protos)-1]
		if i := strings.LastIndexByte(last, ','); i >= 0 {
			last = last[i+1:]
		}
		secure = secure || strings.EqualFold(strings.TrimSpace(last), "https")
	}
	client := peer
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap()
		if !s.cfg.trusted(client) {
			break
		}
	}
	return client.String(), secure
}

// remoteAddr parses the host of an http.Request's RemoteAddr.
func remoteAddr(s string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		host = s
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// longRoutes are the routes ("METHOD path" as in routes()) that may
// rightly take longer than WriteTimeout: file downloads, the batch runs
// over a month or a region, and the reports over a whole region. Each gets
// LongWriteTimeout instead; a test checks that every one is a route.
var longRoutes = map[string]bool{
	"GET /api/v1/applications/report.xlsx":       true,
	"GET /api/v1/assistance-items/export.xlsx":   true,
	"POST /api/v1/payment-batches/{id}/export":   true,
	"GET /api/v1/persons/{id}/account/statement": true,
	"POST /api/v1/account-credits":               true,
	"POST /api/v1/account-interest":              true,
	"POST /api/v1/hardship-premiums":             true,
	"POST /api/v1/signal-runs":                   true,
	"POST /api/v1/classification-runs":           true,
	"POST /api/v1/assistance-runs":               true,
	"POST /api/v1/screenings":                    true,
	"POST /api/v1/screenings/events":             true,
	"POST /api/v1/screening-jobs":                true,
	"POST /api/v1/benefit-runs":                  true,
	"POST /api/v1/payment-runs":                  true,
	"POST /api/v1/payment-batches":               true,
	"POST /api/v1/payroll-runs":                  true,
	"POST /api/v1/pension-adjustments":           true,
	"POST /api/v1/refund-runs":                   true,
	"POST /api/v1/whatif":                        true,
	"GET /api/v1/alerts/overdue":                 true,
	"GET /api/v1/reports/low-income":             true,
	"GET /api/v1/reports/assistance":             true,
	"GET /api/v1/reports/reconciliation":         true,
	"GET /api/v1/reports/payments":               true,
	"GET /api/v1/reports/pensions":               true,
	"GET /api/v1/reports/refunds":                true,
	"GET /api/v1/reports/insurance":              true,
}

// withLongWrite gives the request its own write deadline,
// LongWriteTimeout from now, in place of the server's WriteTimeout.
func (s *server) withLongWrite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.LongWriteTimeout))
		if err != nil && !errors.Is(err, http.ErrNotSupported) {
			info := infoFrom(r.Context())
			info.logger.LogAttrs(r.Context(), slog.LevelWarn, "cannot extend the write deadline", append(info.attrs(), errorAttr(err))...)
		}
		next.ServeHTTP(w, r)
	})
}
