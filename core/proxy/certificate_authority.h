#pragma once

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>
#include <memory>

namespace corslab::proxy {

/// \brief The local certificate authority behind the proxy's HTTPS interception.
///
/// The CA is made with OpenSSL on first use and kept in a directory of its own (owner-only):
/// `ca-key.pem` (PKCS#8, unencrypted, mode 0600) and `ca-cert.pem`. The browser trusts it without
/// touching the system store: the launcher passes spkiSha256Base64() to Chromium's
/// `--ignore-certificate-errors-spki-list`, or the user imports exportCertificate()'s file.
///
/// Keys are EC P-256, for the CA as for the leaves: generating one takes about a millisecond
/// (RSA 2048 takes tens to hundreds, far more under sanitizers), ECDSA P-256 roots are accepted by
/// every current browser and OS store, and P-256 signatures make minting a leaf cheap. All
/// leaves of one CertificateAuthority share one key pair made when it is loaded, so minting a leaf
/// is one signature.
///
/// leafFor() and serverConfiguration() are thread-safe (the proxy calls them from its network
/// thread); the rest only reads values fixed at load time.
class CertificateAuthority
{
public:
    /// File names inside the CA's directory.
    static constexpr QLatin1StringView keyFileName{"ca-key.pem"};
    static constexpr QLatin1StringView certificateFileName{"ca-cert.pem"};

    /// Loads the CA kept in \a directory, or creates it there when neither file exists (the
    /// directory is made with mode 0700 when missing, the key file with 0600; a key file readable
    /// by others is brought back to 0600). Returns nullptr with \a error (when not null) naming
    /// the file and the reason: unreadable, not PEM, an encrypted key, a key that does not match
    /// the certificate, a certificate that is not a CA or has expired, one file without the
    /// other.
    static std::unique_ptr<CertificateAuthority> loadOrCreate(const QString &directory,
                                                              QString *error);
    /// Where the CA lives by default: `<GenericDataLocation>/corslab/ca`, e.g.
    /// `~/.local/share/corslab/ca`. Independent of the application name, so the GUI and the CLI
    /// share one CA and the user trusts it once.
    static QString defaultDirectory();

    ~CertificateAuthority();
    CertificateAuthority(const CertificateAuthority &) = delete;
    CertificateAuthority &operator=(const CertificateAuthority &) = delete;

    QString directory() const;
    /// True when loadOrCreate() made this CA (first use), false when it loaded an existing one.
    bool wasCreated() const;

    QSslCertificate certificate() const;
    QByteArray certificatePem() const;
    /// Writes the CA certificate to \a path (atomically): DER when the name ends in `.der` or
    /// `.cer` (what Windows and macOS importers expect of those names), PEM otherwise (`.pem`,
    /// `.crt`: what Firefox, NSS's certutil and update-ca-certificates read). False with \a error
    /// (when not null) when the file cannot be written.
    bool exportCertificate(const QString &path, QString *error) const;

    /// base64(SHA-256(DER SubjectPublicKeyInfo)) of the CA's key, the form Chromium's
    /// `--ignore-certificate-errors-spki-list` takes. Stable as long as the CA is kept: the one
    /// to give the browser.
    QByteArray spkiSha256Base64() const;
    /// The same hash of the key all leaves share (valid for this object's lifetime only).
    QByteArray leafSpkiSha256Base64() const;

    /// A leaf certificate with what a TLS server needs to present it.
    struct Leaf
    {
        QSslCertificate certificate;
        QList<QSslCertificate> chain; ///< the leaf, then the CA
        QSslKey key;
        bool isNull() const { return certificate.isNull(); }
    };

    /// The leaf for \a host, minted on first request and then cached (re-minted only when it is
    /// about to expire). A DNS name gets a DNS subjectAltName (lower-cased; IDNs in their ACE
    /// form), an IPv4 or IPv6 literal (with or without brackets) an IP one. Valid from one day
    /// ago for 90 days (browsers refuse leaves living longer than 397 days), EKU serverAuth. A
    /// null Leaf when \a host is neither a DNS name nor an IP literal.
    Leaf leafFor(const QByteArray &host) const;

    /// A server-side TLS configuration presenting leafFor(\a host) with its chain and key,
    /// offering ALPN `http/1.1` only and not asking for a client certificate. Its
    /// localCertificate() is null when the host is refused (see leafFor()). The CA travels in the
    /// chain on purpose: Chromium matches `--ignore-certificate-errors-spki-list` against the
    /// certificates the server sends, so the CA's hash works only when the CA is sent (checked
    /// with Chromium 156; the leaf key's hash works too, but changes with every process).
    QSslConfiguration serverConfiguration(const QByteArray &host) const;

private:
    struct Impl;
    explicit CertificateAuthority(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace corslab::proxy
