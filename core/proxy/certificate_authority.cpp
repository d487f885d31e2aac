#include "certificate_authority.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QSaveFile>
#include <QSslSocket>
#include <QStandardPaths>
#include <QSysInfo>
#include <QUrl>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <optional>

namespace corslab::proxy {

namespace {

// OpenSSL objects owned by std::unique_ptr, so every early return frees what was made.
template<auto FreeFunction> struct OpenSslFree
{
    template<typename T> void operator()(T *object) const { FreeFunction(object); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslFree<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslFree<X509_EXTENSION_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OpenSslFree<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslFree<GENERAL_NAMES_free>>;
using Asn1StringPtr = std::unique_ptr<ASN1_STRING, OpenSslFree<ASN1_STRING_free>>;

constexpr int caValidityDays = 3650;
constexpr int leafValidityDays = 90;          // browsers refuse leaves valid for more than 397 days
constexpr int backdateSeconds = 24 * 60 * 60; // tolerates a client clock running behind
constexpr int maxCommonNameLength = 64;       // ub-common-name (RFC 5280); longer names are refused

// Empties this thread's OpenSSL error queue (Qt's TLS backend shares it and reads leftovers as
// its own errors) and returns the reason of the first error, the closest to the cause.
QString takeOpenSslError()
{
    QString reason;
    while (const unsigned long code = ERR_get_error()) {
        if (!reason.isEmpty())
            continue;
        if (const char *text = ERR_reason_error_string(code))
            reason = QString::fromUtf8(text);
        else
            reason = QStringLiteral("OpenSSL error %1").arg(code, 0, 16);
    }
    return reason.isEmpty() ? QStringLiteral("unknown OpenSSL error") : reason;
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    ERR_clear_error();
    return false;
}

PkeyPtr generateKey()
{
    return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

// The PEM reader must never ask for a passphrase (it would wait on the terminal): refuse.
int refusePassphrase(char *, int, int, void *)
{
    return -1;
}

QByteArray toDer(X509 *certificate)
{
    unsigned char *buffer = nullptr;
    const int length = i2d_X509(certificate, &buffer);
    if (length <= 0)
        return {};
    QByteArray der(reinterpret_cast<const char *>(buffer), length);
    OPENSSL_free(buffer);
    return der;
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(length));
}

QByteArray toPem(X509 *certificate)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1)
        return {};
    return bioContents(bio.get());
}

// PKCS#8, unencrypted: what OpenSSL, Qt and other tools all read.
QByteArray privateKeyPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    return bioContents(bio.get());
}

QByteArray spkiSha256Base64Of(EVP_PKEY *key)
{
    unsigned char *buffer = nullptr;
    const int length = i2d_PUBKEY(key, &buffer);
    if (length <= 0)
        return {};
    const QByteArray der(reinterpret_cast<const char *>(buffer), length);
    OPENSSL_free(buffer);
    return QCryptographicHash::hash(der, QCryptographicHash::Sha256).toBase64();
}

QSslKey toQtKey(EVP_PKEY *key)
{
    const QSsl::KeyAlgorithm algorithm =
        EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA ? QSsl::Rsa : QSsl::Ec;
    return QSslKey(privateKeyPem(key), algorithm, QSsl::Pem, QSsl::PrivateKey);
}

// A random positive 127-bit serial: unpredictable (CA/B Forum asks for at least 64 bits of
// randomness) and, with the top bit clear, never negative nor longer than 20 octets.
bool setRandomSerial(X509 *certificate)
{
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return false;
    bytes[0] = (bytes[0] & 0x7f) | 0x01; // positive; the 0x01 keeps it from being zero
    BignumPtr number(BN_bin2bn(bytes, sizeof bytes, nullptr));
    return number && BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate));
}

bool setValidity(X509 *certificate, int days)
{
    return X509_gmtime_adj(X509_getm_notBefore(certificate), -backdateSeconds) &&
           X509_time_adj_ex(X509_getm_notAfter(certificate), days, 0, nullptr);
}

bool addNameEntry(X509_NAME *name, int nid, const QByteArray &utf8)
{
    return X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(utf8.constData()),
                                      int(utf8.size()), -1, 0) == 1;
}

// An extension written in OpenSSL's config syntax; \a issuer and \a subject feed the key
// identifier extensions.
bool addExtension(X509 *subject, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, subject, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(subject, extension.get(), -1) == 1;
}

X509Ptr makeCaCertificate(EVP_PKEY *key)
{
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
        !setRandomSerial(certificate.get()) || !setValidity(certificate.get(), caValidityDays) ||
        X509_set_pubkey(certificate.get(), key) != 1)
        return nullptr;

    // Names the machine and the user, so an imported CA is recognisable in a certificate list.
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME");
    const QString host = QSysInfo::machineHostName();
    const QString owner = user.isEmpty() ? host : host.isEmpty() ? user : user + u'@' + host;
    QString commonName = QStringLiteral("CORS Lab local CA");
    if (!owner.isEmpty())
        commonName += QStringLiteral(" (%1)").arg(owner);
    X509_NAME *name = X509_get_subject_name(certificate.get());
    if (!addNameEntry(name, NID_organizationName, QByteArrayLiteral("CORS Lab")) ||
        !addNameEntry(name, NID_commonName, commonName.left(maxCommonNameLength).toUtf8()) ||
        X509_set_issuer_name(certificate.get(), name) != 1)
        return nullptr;

    // The subject key identifier first: the authority key identifier of a self-signed
    // certificate is copied from it.
    X509 *self = certificate.get();
    if (!addExtension(self, self, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        !addExtension(self, self, NID_key_usage, "critical,keyCertSign,cRLSign") ||
        !addExtension(self, self, NID_subject_key_identifier, "hash") ||
        !addExtension(self, self, NID_authority_key_identifier, "keyid:always") ||
        X509_sign(self, key, EVP_sha256()) <= 0)
        return nullptr;
    return certificate;
}

/// What a leaf is issued for: a DNS name or an IP address, normalised so that spellings of one
/// host share a cache entry.
struct LeafSubject
{
    QByteArray name;      ///< cache key and common name: "example.test", "127.0.0.1", "::1"
    QByteArray ipAddress; ///< network-order bytes for an IP literal, empty for a DNS name
};

bool isDnsName(const QByteArray &name)
{
    if (name.isEmpty() || name.size() > 253)
        return false;
    for (const QByteArray &label : name.split('.')) {
        if (label.isEmpty() || label.size() > 63)
            return false;
        for (const char c : label) {
            // Underscores are not in the hostname grammar, but real hosts use them.
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
                return false;
        }
    }
    return true;
}

std::optional<LeafSubject> leafSubjectFor(const QByteArray &host)
{
    QByteArray text = host.trimmed();
    if (text.startsWith('[') && text.endsWith(']'))
        text = text.sliced(1, text.size() - 2);

    QHostAddress address;
    if (address.setAddress(QString::fromLatin1(text))) {
        address.setScopeId(QString());
        if (address.protocol() == QAbstractSocket::IPv4Protocol) {
            const quint32 ipv4 = address.toIPv4Address();
            const char bytes[4] = {char(ipv4 >> 24), char(ipv4 >> 16), char(ipv4 >> 8), char(ipv4)};
            return LeafSubject{address.toString().toLatin1(), QByteArray(bytes, 4)};
        }
        if (address.protocol() == QAbstractSocket::IPv6Protocol) {
            const Q_IPV6ADDR ipv6 = address.toIPv6Address();
            return LeafSubject{address.toString().toLatin1(),
                               QByteArray(reinterpret_cast<const char *>(ipv6.c), 16)};
        }
    }

    // International names in their ACE form ("xn--..."), as they appear in a certificate.
    QByteArray name = QUrl::toAce(QString::fromUtf8(text)).toLower();
    if (name.endsWith('.'))
        name.chop(1); // "example.test." is "example.test"
    if (!isDnsName(name))
        return std::nullopt;
    return LeafSubject{name, {}};
}

bool addSubjectAltName(X509 *certificate, const LeafSubject &subject)
{
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    GeneralNamePtr name(GENERAL_NAME_new());
    const QByteArray &value = subject.ipAddress.isEmpty() ? subject.name : subject.ipAddress;
    Asn1StringPtr string(subject.ipAddress.isEmpty() ? ASN1_IA5STRING_new()
                                                     : ASN1_OCTET_STRING_new());
    if (!names || !name || !string ||
        ASN1_STRING_set(string.get(), value.constData(), int(value.size())) != 1)
        return false;
    GENERAL_NAME_set0_value(name.get(), subject.ipAddress.isEmpty() ? GEN_DNS : GEN_IPADD,
                            string.release());
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0)
        return false;
    (void)name.release(); // now owned by names
    return X509_add1_ext_i2d(certificate, NID_subject_alt_name, names.get(), 0,
                             X509V3_ADD_DEFAULT) == 1;
}

X509Ptr makeLeafCertificate(X509 *ca, EVP_PKEY *caKey, EVP_PKEY *leafKey,
                            const LeafSubject &subject)
{
    X509Ptr certificate(X509_new());
    X509 *leaf = certificate.get();
    if (!leaf || X509_set_version(leaf, X509_VERSION_3) != 1 || !setRandomSerial(leaf) ||
        !setValidity(leaf, leafValidityDays) || X509_set_pubkey(leaf, leafKey) != 1 ||
        X509_set_issuer_name(leaf, X509_get_subject_name(ca)) != 1)
        return nullptr;
    // A leaf never outlives its CA.
    if (ASN1_TIME_compare(X509_get0_notAfter(leaf), X509_get0_notAfter(ca)) > 0 &&
        X509_set1_notAfter(leaf, X509_get0_notAfter(ca)) != 1)
        return nullptr;

    // Browsers match the subjectAltName only; the common name is for people reading the chain.
    X509_NAME *name = X509_get_subject_name(leaf);
    if (!addNameEntry(name, NID_organizationName, QByteArrayLiteral("CORS Lab")))
        return nullptr;
    if (subject.name.size() <= maxCommonNameLength &&
        !addNameEntry(name, NID_commonName, subject.name))
        return nullptr;

    // RSA leaves would also need keyEncipherment; the shared leaf key is EC.
    if (!addExtension(leaf, ca, NID_basic_constraints, "CA:FALSE") ||
        !addExtension(leaf, ca, NID_key_usage, "critical,digitalSignature") ||
        !addExtension(leaf, ca, NID_ext_key_usage, "serverAuth") ||
        !addExtension(leaf, ca, NID_subject_key_identifier, "hash") ||
        !addExtension(leaf, ca, NID_authority_key_identifier, "keyid:always") ||
        !addSubjectAltName(leaf, subject) || X509_sign(leaf, caKey, EVP_sha256()) <= 0)
        return nullptr;
    return certificate;
}

QString describe(const QString &path)
{
    return QStringLiteral("%1 (%2)").arg(QFileInfo(path).fileName(),
                                         QDir::toNativeSeparators(path));
}

// Why a file OpenSSL could not read is not what was expected, in words for the user; OpenSSL's
// own reason ("unsupported", "bad end line") comes last, for the curious.
QString whyNotPem(const QByteArray &contents, const QString &openSslReason)
{
    if (contents.trimmed().isEmpty())
        return QStringLiteral("the file is empty");
    if (!contents.contains("-----BEGIN "))
        return QStringLiteral("no \"-----BEGIN\" line");
    return QStringLiteral("damaged, or of another type (OpenSSL: %1)").arg(openSslReason);
}

bool readFile(const QString &path, QByteArray *contents, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error,
                    QStringLiteral("cannot read %1: %2").arg(describe(path), file.errorString()));
    *contents = file.readAll();
    return true;
}

// Writes \a path through a temporary file created with \a permissions, so the key is never
// readable by others, not even for a moment, and a crash leaves no half-written file.
bool writeNewFile(const QString &path, const QByteArray &contents, QFile::Permissions permissions,
                  QString *error)
{
    const QString temporaryPath = path + QStringLiteral(".tmp");
    QFile::remove(temporaryPath); // left by a crash
    QFile file(temporaryPath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, permissions) ||
        file.write(contents) != contents.size() || !file.flush()) {
        const QString reason = file.errorString();
        file.close();
        QFile::remove(temporaryPath);
        return fail(error, QStringLiteral("cannot write %1: %2").arg(describe(path), reason));
    }
    file.close();
    if (!QFile::rename(temporaryPath, path)) {
        QFile::remove(temporaryPath);
        return fail(error, QStringLiteral("cannot write %1: renaming %2 failed")
                               .arg(describe(path), temporaryPath));
    }
    return true;
}

constexpr QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
constexpr QFile::Permissions readableByOthers = QFile::ReadGroup | QFile::WriteGroup |
                                                QFile::ExeGroup | QFile::ReadOther |
                                                QFile::WriteOther | QFile::ExeOther;

} // namespace

struct CertificateAuthority::Impl
{
    QString directory;
    bool created = false;
    PkeyPtr caKey;
    X509Ptr caCertificate;
    QSslCertificate qtCaCertificate;
    QByteArray caPem;
    QByteArray caSpki;

    PkeyPtr leafKey;
    QSslKey qtLeafKey;
    QByteArray leafSpki;

    QMutex mutex; // guards leaves and the OpenSSL calls that mint them
    QHash<QByteArray, Leaf> leaves;

    // Creates the key and the certificate in memory, then writes them (key first: a certificate
    // file alone is never left behind).
    bool create(const QString &keyPath, const QString &certificatePath, QString *error)
    {
        caKey = generateKey();
        if (!caKey)
            return fail(error,
                        QStringLiteral("cannot generate the CA key: %1").arg(takeOpenSslError()));
        caCertificate = makeCaCertificate(caKey.get());
        if (!caCertificate)
            return fail(
                error,
                QStringLiteral("cannot make the CA certificate: %1").arg(takeOpenSslError()));
        const QByteArray keyPem = privateKeyPem(caKey.get());
        const QByteArray certificatePem = toPem(caCertificate.get());
        if (keyPem.isEmpty() || certificatePem.isEmpty())
            return fail(error,
                        QStringLiteral("cannot encode the CA as PEM: %1").arg(takeOpenSslError()));
        created = true;
        return writeNewFile(keyPath, keyPem, ownerOnly, error) &&
               writeNewFile(certificatePath, certificatePem,
                            ownerOnly | QFile::ReadGroup | QFile::ReadOther, error);
    }

    bool load(const QString &keyPath, const QString &certificatePath, QString *error)
    {
        QByteArray keyPem;
        QByteArray certificatePem;
        if (!readFile(keyPath, &keyPem, error) ||
            !readFile(certificatePath, &certificatePem, error))
            return false;

        if ((QFile::permissions(keyPath) & readableByOthers) &&
            !QFile::setPermissions(keyPath, ownerOnly))
            return fail(error, QStringLiteral("%1 is accessible to other users and its mode "
                                              "could not be set to 0600")
                                   .arg(describe(keyPath)));

        BioPtr keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
        caKey.reset(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, refusePassphrase, nullptr));
        if (!caKey) {
            const QString reason = takeOpenSslError();
            if (keyPem.contains("ENCRYPTED"))
                return fail(error, QStringLiteral("%1 holds an encrypted key; CORS Lab needs "
                                                  "it unencrypted (the directory is owner-only)")
                                       .arg(describe(keyPath)));
            return fail(error, QStringLiteral("%1 does not hold a PEM private key: %2")
                                   .arg(describe(keyPath), whyNotPem(keyPem, reason)));
        }

        BioPtr certificateBio(
            BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())));
        caCertificate.reset(
            PEM_read_bio_X509(certificateBio.get(), nullptr, refusePassphrase, nullptr));
        if (!caCertificate)
            return fail(error, QStringLiteral("%1 does not hold a PEM certificate: %2")
                                   .arg(describe(certificatePath),
                                        whyNotPem(certificatePem, takeOpenSslError())));
        if (X509_check_private_key(caCertificate.get(), caKey.get()) != 1)
            return fail(error, QStringLiteral("the key in %1 does not match the certificate in "
                                              "%2; remove both files to create a new CA")
                                   .arg(describe(keyPath), describe(certificatePath)));
        if (X509_check_ca(caCertificate.get()) == 0)
            return fail(error, QStringLiteral("%1 is not a CA certificate (no basicConstraints "
                                              "CA:TRUE)")
                                   .arg(describe(certificatePath)));
        if (X509_cmp_current_time(X509_get0_notAfter(caCertificate.get())) <= 0)
            return fail(error,
                        QStringLiteral("the CA certificate in %1 has expired; remove %2 "
                                       "and %3 to create a new CA")
                            .arg(describe(certificatePath), keyFileName, certificateFileName));
        return true;
    }

    // What the Qt side needs, computed once: the CA in Qt's types and the shared leaf key.
    bool prepare(QString *error)
    {
        qtCaCertificate = QSslCertificate(toDer(caCertificate.get()), QSsl::Der);
        caPem = toPem(caCertificate.get());
        caSpki = spkiSha256Base64Of(caKey.get());
        leafKey = generateKey();
        if (!leafKey)
            return fail(error,
                        QStringLiteral("cannot generate the leaf key: %1").arg(takeOpenSslError()));
        qtLeafKey = toQtKey(leafKey.get());
        leafSpki = spkiSha256Base64Of(leafKey.get());
        if (qtCaCertificate.isNull() || caPem.isEmpty() || caSpki.isEmpty() || qtLeafKey.isNull() ||
            leafSpki.isEmpty())
            return fail(error, QStringLiteral("cannot convert the CA for Qt's TLS backend (%1)")
                                   .arg(takeOpenSslError()));
        ERR_clear_error();
        return true;
    }
};

CertificateAuthority::CertificateAuthority(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{
}

CertificateAuthority::~CertificateAuthority() = default;

std::unique_ptr<CertificateAuthority> CertificateAuthority::loadOrCreate(const QString &directory,
                                                                         QString *error)
{
    const auto refuse = [error](const QString &message) {
        fail(error, message);
        return std::unique_ptr<CertificateAuthority>();
    };
    const QFileInfo directoryInfo(directory);
    if (directory.isEmpty())
        return refuse(QStringLiteral("no directory given for the CA"));
    if (directoryInfo.exists() && !directoryInfo.isDir())
        return refuse(
            QStringLiteral("%1 is not a directory").arg(QDir::toNativeSeparators(directory)));
    const QString absolute = directoryInfo.absoluteFilePath();
    if (!directoryInfo.exists()) {
        // The parents with the usual mode, the CA's own directory owner-only.
        if (!QDir().mkpath(directoryInfo.absolutePath()) ||
            !QDir().mkdir(absolute, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
            return refuse(QStringLiteral("cannot create the directory %1")
                              .arg(QDir::toNativeSeparators(absolute)));
    }

    auto impl = std::make_unique<Impl>();
    impl->directory = absolute;
    const QString keyPath = QDir(absolute).filePath(keyFileName);
    const QString certificatePath = QDir(absolute).filePath(certificateFileName);
    const bool hasKey = QFileInfo::exists(keyPath);
    const bool hasCertificate = QFileInfo::exists(certificatePath);
    bool ok = false;
    if (!hasKey && !hasCertificate) {
        ok = impl->create(keyPath, certificatePath, error);
    } else if (hasKey != hasCertificate) {
        const QString &present = hasKey ? keyPath : certificatePath;
        const QString &missing = hasKey ? certificatePath : keyPath;
        ok = fail(error,
                  QStringLiteral("%1 is missing while %2 exists; restore it, or remove %3 "
                                 "to create a new CA")
                      .arg(describe(missing), describe(present), QFileInfo(present).fileName()));
    } else {
        ok = impl->load(keyPath, certificatePath, error);
    }
    if (!ok || !impl->prepare(error))
        return nullptr;
    return std::unique_ptr<CertificateAuthority>(new CertificateAuthority(std::move(impl)));
}

QString CertificateAuthority::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/corslab/ca");
}

QString CertificateAuthority::directory() const
{
    return m_impl->directory;
}

bool CertificateAuthority::wasCreated() const
{
    return m_impl->created;
}

QSslCertificate CertificateAuthority::certificate() const
{
    return m_impl->qtCaCertificate;
}

QByteArray CertificateAuthority::certificatePem() const
{
    return m_impl->caPem;
}

bool CertificateAuthority::exportCertificate(const QString &path, QString *error) const
{
    const bool der = path.endsWith(QLatin1String(".der"), Qt::CaseInsensitive) ||
                     path.endsWith(QLatin1String(".cer"), Qt::CaseInsensitive);
    const QByteArray contents = der ? m_impl->qtCaCertificate.toDer() : m_impl->caPem;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size() ||
        !file.commit())
        return fail(error, QStringLiteral("cannot write %1: %2")
                               .arg(QDir::toNativeSeparators(path), file.errorString()));
    return true;
}

QByteArray CertificateAuthority::spkiSha256Base64() const
{
    return m_impl->caSpki;
}

QByteArray CertificateAuthority::leafSpkiSha256Base64() const
{
    return m_impl->leafSpki;
}

CertificateAuthority::Leaf CertificateAuthority::leafFor(const QByteArray &host) const
{
    const std::optional<LeafSubject> subject = leafSubjectFor(host);
    if (!subject)
        return Leaf();

    QMutexLocker locker(&m_impl->mutex);
    const auto cached = m_impl->leaves.constFind(subject->name);
    // A cached leaf is kept while it has more than a day to live (a proxy may run for long).
    if (cached != m_impl->leaves.cend() &&
        cached->certificate.expiryDate() > QDateTime::currentDateTimeUtc().addDays(1))
        return *cached;

    const X509Ptr certificate = makeLeafCertificate(
        m_impl->caCertificate.get(), m_impl->caKey.get(), m_impl->leafKey.get(), *subject);
    Leaf leaf;
    if (certificate)
        leaf.certificate = QSslCertificate(toDer(certificate.get()), QSsl::Der);
    ERR_clear_error();
    if (leaf.certificate.isNull())
        return Leaf();
    leaf.chain = {leaf.certificate, m_impl->qtCaCertificate};
    leaf.key = m_impl->qtLeafKey;
    m_impl->leaves.insert(subject->name, leaf);
    return leaf;
}

QSslConfiguration CertificateAuthority::serverConfiguration(const QByteArray &host) const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    const Leaf leaf = leafFor(host);
    if (leaf.isNull()) {
        configuration.setLocalCertificateChain({});
        return configuration;
    }
    configuration.setLocalCertificateChain(leaf.chain);
    configuration.setPrivateKey(leaf.key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
    return configuration;
}

} // namespace corslab::proxy
