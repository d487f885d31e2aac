// CertificateAuthority: the CA on disk (modes, reload, broken files), the leaves (names, chain,
// cache, threads) and a real TLS handshake on 127.0.0.1 against a client that trusts only the CA.
#include "proxy/certificate_authority.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QSslCertificateExtension>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>
#include <thread>

using corslab::proxy::CertificateAuthority;

namespace {

// The permission bits of \a path (st_mode & 0777), or -1 when it does not exist.
int mode(const QString &path)
{
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 0777);
}

bool writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(contents) == contents.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString keyPath(const QString &directory)
{
    return directory + u'/' + CertificateAuthority::keyFileName;
}

QString certificatePath(const QString &directory)
{
    return directory + u'/' + CertificateAuthority::certificateFileName;
}

std::unique_ptr<CertificateAuthority> create(const QString &directory)
{
    QString error;
    auto ca = CertificateAuthority::loadOrCreate(directory, &error);
    if (!ca)
        qWarning("loadOrCreate(%s): %s", qPrintable(directory), qPrintable(error));
    return ca;
}

QString subjectAltNames(const QSslCertificate &certificate)
{
    QStringList names;
    const auto entries = certificate.subjectAlternativeNames();
    for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
        names << (it.key() == QSsl::DnsEntry ? QStringLiteral("DNS:") : QStringLiteral("IP:")) +
                     it.value();
    }
    return names.join(u',');
}

QVariant extensionValue(const QSslCertificate &certificate, const QString &name)
{
    for (const QSslCertificateExtension &extension : certificate.extensions()) {
        if (extension.name() == name)
            return extension.value();
    }
    return {};
}

// QSslCertificate::verify() checks against the default configuration's CAs: make it \a ca alone.
QList<QSslError> verify(const QSslCertificate &ca, const QList<QSslCertificate> &chain,
                        const QString &hostName)
{
    QSslConfiguration defaults = QSslConfiguration::defaultConfiguration();
    defaults.setCaCertificates({ca});
    QSslConfiguration::setDefaultConfiguration(defaults);
    return QSslCertificate::verify(chain, hostName);
}

QList<QSslError::SslError> errorCodes(const QList<QSslError> &errors)
{
    QList<QSslError::SslError> codes;
    for (const QSslError &error : errors)
        codes << error.error();
    return codes;
}

} // namespace

class TestCertificateAuthority : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home; // one CA for the tests that only read it
    std::unique_ptr<CertificateAuthority> m_ca;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QSslSocket::supportsSsl());
        QVERIFY(m_home.isValid());
        m_ca = create(m_home.filePath(QStringLiteral("ca")));
        QVERIFY(m_ca);
    }

    void createsOwnerOnlyFilesOnFirstUse()
    {
        QTemporaryDir temporary;
        const QString directory = temporary.filePath(QStringLiteral("data/corslab/ca"));
        const auto ca = create(directory);
        QVERIFY(ca);
        QVERIFY(ca->wasCreated());
        QCOMPARE(ca->directory(), directory);
        QCOMPARE(mode(directory), 0700);
        QCOMPARE(mode(keyPath(directory)), 0600);
        QCOMPARE(mode(certificatePath(directory)), 0644);
        QCOMPARE(QDir(directory).entryList(QDir::Files),
                 QStringList({QStringLiteral("ca-cert.pem"), QStringLiteral("ca-key.pem")}));
        QVERIFY(readFile(keyPath(directory)).startsWith("-----BEGIN PRIVATE KEY-----"));
        QCOMPARE(readFile(certificatePath(directory)), ca->certificatePem());
    }

    void caCertificateIsACa()
    {
        const QSslCertificate ca = m_ca->certificate();
        QVERIFY(!ca.isNull());
        QVERIFY(ca.isSelfSigned());
        QCOMPARE(ca.version(), QByteArray("3"));
        QVERIFY(ca.subjectInfo(QSslCertificate::CommonName)
                    .value(0)
                    .startsWith(QStringLiteral("CORS Lab local CA")));
        QCOMPARE(ca.publicKey().algorithm(), QSsl::Ec);
        const QVariantMap basic = extensionValue(ca, QStringLiteral("basicConstraints")).toMap();
        QCOMPARE(basic.value(QStringLiteral("ca")).toBool(), true);
        QCOMPARE(basic.value(QStringLiteral("pathLenConstraint")).toInt(), 0);
        QCOMPARE(extensionValue(ca, QStringLiteral("keyUsage")).toStringList(),
                 QStringList({QStringLiteral("Certificate Sign"), QStringLiteral("CRL Sign")}));
        QVERIFY(extensionValue(ca, QStringLiteral("subjectKeyIdentifier")).isValid());
        QVERIFY(extensionValue(ca, QStringLiteral("authorityKeyIdentifier")).isValid());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(ca.effectiveDate() < now);
        QVERIFY(ca.expiryDate() > now.addYears(9));
        QVERIFY(ca.expiryDate() < now.addYears(11));
    }

    void secondLoadYieldsTheSameCa()
    {
        QTemporaryDir temporary;
        const QString directory = temporary.filePath(QStringLiteral("ca"));
        const auto first = create(directory);
        const auto second = create(directory);
        QVERIFY(first && second);
        QVERIFY(first->wasCreated());
        QVERIFY(!second->wasCreated());
        QCOMPARE(second->certificate(), first->certificate());
        QCOMPARE(second->spkiSha256Base64(), first->spkiSha256Base64());
        // A leaf from the reloaded CA still chains to the first one.
        QCOMPARE(verify(first->certificate(), second->leafFor("localhost").chain,
                        QStringLiteral("localhost")),
                 QList<QSslError>());
        // Two CAs made apart are different CAs (random serials, their own keys).
        QVERIFY(first->certificate().serialNumber() != m_ca->certificate().serialNumber());
        QVERIFY(first->spkiSha256Base64() != m_ca->spkiSha256Base64());
    }

    void reloadRestoresOwnerOnlyKeyMode()
    {
        QTemporaryDir temporary;
        const QString directory = temporary.filePath(QStringLiteral("ca"));
        QVERIFY(create(directory));
        QVERIFY(QFile::setPermissions(keyPath(directory), QFile::ReadOwner | QFile::WriteOwner |
                                                              QFile::ReadGroup | QFile::ReadOther));
        QCOMPARE(mode(keyPath(directory)), 0644);
        QVERIFY(create(directory));
        QCOMPARE(mode(keyPath(directory)), 0600);
    }

    void brokenFilesAreRefused_data()
    {
        QTest::addColumn<QString>("breakage");
        QTest::addColumn<QString>("expected"); // in the error message

        QTest::newRow("corrupt key") << "corrupt key"
                                     << "ca-key.pem (%1) does not hold a PEM private key";
        QTest::newRow("corrupt certificate") << "corrupt certificate"
                                             << "ca-cert.pem (%1) does not hold a PEM certificate";
        QTest::newRow("truncated certificate")
            << "truncated certificate"
            << "ca-cert.pem (%1) does not hold a PEM certificate";
        QTest::newRow("empty key") << "empty key"
                                   << "ca-key.pem (%1) does not hold a PEM private key";
        QTest::newRow("encrypted key") << "encrypted key"
                                       << "encrypted";
        QTest::newRow("mismatched pair") << "mismatched pair"
                                         << "does not match";
        QTest::newRow("leaf as CA") << "leaf as CA"
                                    << "not a CA certificate";
        QTest::newRow("certificate missing") << "certificate missing"
                                             << "ca-cert.pem (%1) is missing";
        QTest::newRow("key missing") << "key missing"
                                     << "ca-key.pem (%1) is missing";
        QTest::newRow("unreadable key") << "unreadable key"
                                        << "cannot read";
        QTest::newRow("directory is a file") << "directory is a file"
                                             << "is not a directory";
    }

    void brokenFilesAreRefused()
    {
        QFETCH(QString, breakage);
        QFETCH(QString, expected);
        QTemporaryDir temporary;
        const QString directory = temporary.filePath(QStringLiteral("ca"));
        QVERIFY(create(directory));
        const QString key = keyPath(directory);
        const QString certificate = certificatePath(directory);

        const CertificateAuthority::Leaf leaf = m_ca->leafFor("localhost");
        if (breakage == u"corrupt key") {
            QVERIFY(writeFile(key, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n"
                                   "-----END PRIVATE KEY-----\n"));
        } else if (breakage == u"corrupt certificate") {
            QVERIFY(writeFile(certificate, QByteArray(300, 'x')));
        } else if (breakage == u"truncated certificate") {
            QVERIFY(writeFile(certificate, readFile(certificate).first(200)));
        } else if (breakage == u"empty key") {
            QVERIFY(writeFile(key, {}));
        } else if (breakage == u"encrypted key") {
            QVERIFY(writeFile(key, leaf.key.toPem("passphrase")));
        } else if (breakage == u"mismatched pair") {
            QVERIFY(writeFile(certificate, m_ca->certificatePem()));
        } else if (breakage == u"leaf as CA") {
            QVERIFY(writeFile(key, leaf.key.toPem()));
            QVERIFY(writeFile(certificate, leaf.certificate.toPem()));
        } else if (breakage == u"certificate missing") {
            QVERIFY(QFile::remove(certificate));
        } else if (breakage == u"key missing") {
            QVERIFY(QFile::remove(key));
        } else if (breakage == u"unreadable key") {
            // A directory in its place: unreadable even for root, who ignores file modes.
            QVERIFY(QFile::remove(key));
            QVERIFY(QDir().mkdir(key));
        } else if (breakage == u"directory is a file") {
            QVERIFY(QDir(directory).removeRecursively());
            QVERIFY(writeFile(directory, "a file"));
        }

        const QByteArray keyBefore = readFile(key);
        const QByteArray certificateBefore = readFile(certificate);
        QString error;
        const auto ca = CertificateAuthority::loadOrCreate(directory, &error);
        QVERIFY(!ca);
        // %1: the full path of the file named
        const QString file = expected.section(u' ', 0, 0);
        expected.replace(QStringLiteral("%1"), directory + u'/' + file);
        QVERIFY2(error.contains(expected), qPrintable(error));
        // A refused CA is left as it was, never overwritten.
        QCOMPARE(readFile(key), keyBefore);
        QCOMPARE(readFile(certificate), certificateBefore);
        QVERIFY(!QFile::exists(key + QStringLiteral(".tmp")));
    }

    void leavesVerifyAgainstTheCa_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QString>("verifiedName");
        QTest::addColumn<QString>("altNames");
        // QSslCertificate::verify() reads the system CA store on each call (~0.3 s): it runs for
        // the hosts that matter most; the other rows check the names only.
        QTest::addColumn<bool>("verifyChain");

        QTest::newRow("localhost") << QByteArray("localhost") << "localhost"
                                   << "DNS:localhost" << true;
        QTest::newRow("dns") << QByteArray("api.example.test") << "api.example.test"
                             << "DNS:api.example.test" << true;
        QTest::newRow("ipv4") << QByteArray("127.0.0.1") << "127.0.0.1"
                              << "IP:127.0.0.1" << true;
        QTest::newRow("ipv6") << QByteArray("::1") << "::1"
                              << "IP:::1" << true;
        QTest::newRow("bracketed ipv6") << QByteArray("[::1]") << "::1"
                                        << "IP:::1" << false;
        QTest::newRow("upper case") << QByteArray("API.Example.TEST") << "api.example.test"
                                    << "DNS:api.example.test" << false;
        QTest::newRow("trailing dot") << QByteArray("example.test.") << "example.test"
                                      << "DNS:example.test" << false;
        QTest::newRow("idn") << QStringLiteral("bücher.example").toUtf8() << "xn--bcher-kva.example"
                             << "DNS:xn--bcher-kva.example" << false;
        QTest::newRow("underscore") << QByteArray("my_service.internal") << "my_service.internal"
                                    << "DNS:my_service.internal" << false;
        const QByteArray label(63, 'a');
        const QByteArray longName = label + '.' + label + ".test";
        QTest::newRow("name longer than a common name")
            << longName << QString::fromLatin1(longName)
            << QStringLiteral("DNS:") + QString::fromLatin1(longName) << true;
    }

    void leavesVerifyAgainstTheCa()
    {
        QFETCH(QByteArray, host);
        QFETCH(QString, verifiedName);
        QFETCH(QString, altNames);
        QFETCH(bool, verifyChain);

        const CertificateAuthority::Leaf leaf = m_ca->leafFor(host);
        QVERIFY(!leaf.isNull());
        QCOMPARE(leaf.chain.size(), 2);
        QCOMPARE(leaf.chain.first(), leaf.certificate);
        QCOMPARE(leaf.chain.last(), m_ca->certificate());
        QVERIFY(!leaf.key.isNull());
        QCOMPARE(leaf.key.type(), QSsl::PrivateKey);

        QCOMPARE(subjectAltNames(leaf.certificate), altNames);
        if (verifyChain)
            QCOMPARE(verify(m_ca->certificate(), leaf.chain, verifiedName), QList<QSslError>());

        QCOMPARE(leaf.certificate.version(), QByteArray("3"));
        QCOMPARE(leaf.certificate.issuerDisplayName(), m_ca->certificate().subjectDisplayName());
        QCOMPARE(
            extensionValue(leaf.certificate, QStringLiteral("extendedKeyUsage")).toStringList(),
            QStringList({QStringLiteral("TLS Web Server Authentication")}));
        QCOMPARE(extensionValue(leaf.certificate, QStringLiteral("keyUsage")).toStringList(),
                 QStringList({QStringLiteral("Digital Signature")}));
        // The authority key identifier names the CA's subject key identifier.
        QCOMPARE(extensionValue(leaf.certificate, QStringLiteral("authorityKeyIdentifier"))
                     .toMap()
                     .value(QStringLiteral("keyid"))
                     .toByteArray(),
                 extensionValue(m_ca->certificate(), QStringLiteral("subjectKeyIdentifier"))
                     .toString()
                     .remove(u':')
                     .toLower()
                     .toLatin1());
        QVERIFY(
            extensionValue(leaf.certificate, QStringLiteral("authorityKeyIdentifier")).isValid());
        QCOMPARE(extensionValue(leaf.certificate, QStringLiteral("basicConstraints"))
                     .toMap()
                     .value(QStringLiteral("ca"))
                     .toBool(),
                 false);
        // A 128-bit serial: 16 octets, written "xx:xx:..." by Qt.
        QCOMPARE(leaf.certificate.serialNumber().split(':').size(), 16);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(leaf.certificate.effectiveDate() < now.addSecs(-3600));
        QVERIFY(leaf.certificate.effectiveDate().daysTo(leaf.certificate.expiryDate()) <= 397);
        QVERIFY(leaf.certificate.expiryDate() > now.addDays(30));
    }

    void verifyCatchesWrongNamesAndOtherCas()
    {
        // The checks of leavesVerifyAgainstTheCa can fail: another name, another CA.
        const CertificateAuthority::Leaf leaf = m_ca->leafFor("localhost");
        QCOMPARE(errorCodes(verify(m_ca->certificate(), leaf.chain, QStringLiteral("other.test"))),
                 QList<QSslError::SslError>({QSslError::HostNameMismatch}));
        QTemporaryDir temporary;
        const auto other = create(temporary.filePath(QStringLiteral("ca")));
        QVERIFY(other);
        QCOMPARE(errorCodes(verify(other->certificate(), leaf.chain, QStringLiteral("localhost"))),
                 QList<QSslError::SslError>({QSslError::SelfSignedCertificateInChain}));
    }

    void leafKeyMatchesItsCertificate()
    {
        // QSslKey has no "public part of": compare through a handshake-free route, the SPKI hash
        // of the certificate's key against leafSpkiSha256Base64().
        const CertificateAuthority::Leaf leaf = m_ca->leafFor("localhost");
        QCOMPARE(QCryptographicHash::hash(leaf.certificate.publicKey().toDer(),
                                          QCryptographicHash::Sha256)
                     .toBase64(),
                 m_ca->leafSpkiSha256Base64());
        QCOMPARE(QCryptographicHash::hash(m_ca->certificate().publicKey().toDer(),
                                          QCryptographicHash::Sha256)
                     .toBase64(),
                 m_ca->spkiSha256Base64());
        QCOMPARE(QByteArray::fromBase64(m_ca->spkiSha256Base64()).size(), 32);
        QVERIFY(m_ca->spkiSha256Base64() != m_ca->leafSpkiSha256Base64());
    }

    void leavesAreCachedPerHost()
    {
        const auto first = m_ca->leafFor("cache.example.test");
        const auto again = m_ca->leafFor("cache.example.test");
        QVERIFY(!first.isNull());
        QCOMPARE(again.certificate, first.certificate);
        // Spellings of one host share the entry.
        QCOMPARE(m_ca->leafFor("CACHE.example.test.").certificate, first.certificate);
        QCOMPARE(m_ca->leafFor("[::1]").certificate, m_ca->leafFor("0:0::1").certificate);
        // Another host gets its own certificate (its own serial), with the shared key.
        const auto other = m_ca->leafFor("other.example.test");
        QVERIFY(other.certificate != first.certificate);
        QVERIFY(other.certificate.serialNumber() != first.certificate.serialNumber());
        QCOMPARE(other.key, first.key);
    }

    void leavesAreThreadSafe()
    {
        // Four threads ask for the same twenty hosts at once: each host is minted once and
        // every thread gets that one certificate.
        constexpr int threadCount = 4;
        constexpr int hostCount = 20;
        QList<QList<QSslCertificate>> results(threadCount);
        std::vector<std::thread> threads;
        for (int t = 0; t < threadCount; ++t) {
            threads.emplace_back([&, t] {
                for (int h = 0; h < hostCount; ++h)
                    results[t].append(
                        m_ca->leafFor("thread-" + QByteArray::number(h) + ".example.test")
                            .certificate);
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        for (int h = 0; h < hostCount; ++h) {
            QVERIFY(!results[0][h].isNull());
            for (int t = 1; t < threadCount; ++t)
                QCOMPARE(results[t][h], results[0][h]);
        }
    }

    void badHostsGetNoLeaf_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("brackets only") << QByteArray("[]");
        QTest::newRow("space") << QByteArray("bad host");
        QTest::newRow("comma (SAN injection)") << QByteArray("a.test,DNS:evil.test");
        QTest::newRow("empty label") << QByteArray("a..test");
        QTest::newRow("label over 63") << QByteArray(64, 'a') + ".test";
        QTest::newRow("name over 253") << (QByteArray(60, 'a') + '.').repeated(5) + "test";
        QTest::newRow("wildcard") << QByteArray("*.example.test");
        QTest::newRow("port") << QByteArray("localhost:443");
        QTest::newRow("nul") << QByteArray("local\0host", 10);
    }

    void badHostsGetNoLeaf()
    {
        QFETCH(QByteArray, host);
        QVERIFY(m_ca->leafFor(host).isNull());
        QVERIFY(m_ca->serverConfiguration(host).localCertificate().isNull());
    }

    void serverConfigurationHasLeafChainAndAlpn()
    {
        const QSslConfiguration configuration = m_ca->serverConfiguration("localhost");
        QCOMPARE(configuration.localCertificate(), m_ca->leafFor("localhost").certificate);
        QCOMPARE(configuration.localCertificateChain(), m_ca->leafFor("localhost").chain);
        QCOMPARE(configuration.privateKey(), m_ca->leafFor("localhost").key);
        QCOMPARE(configuration.allowedNextProtocols(), QList<QByteArray>({"http/1.1"}));
        QCOMPARE(configuration.peerVerifyMode(), QSslSocket::VerifyNone);
    }

    void tlsHandshakeOnLoopback_data()
    {
        QTest::addColumn<QString>("peerName");
        QTest::addColumn<bool>("trustCa");
        QTest::addColumn<QList<QSslError::SslError>>("expectedErrors");

        QTest::newRow("trusted CA") << "localhost" << true << QList<QSslError::SslError>();
        QTest::newRow("untrusted CA")
            << "localhost" << false
            << QList<QSslError::SslError>({QSslError::SelfSignedCertificateInChain});
        QTest::newRow("wrong name")
            << "127.0.0.1" << true << QList<QSslError::SslError>({QSslError::HostNameMismatch});
    }

    void tlsHandshakeOnLoopback()
    {
        QFETCH(QString, peerName);
        QFETCH(bool, trustCa);
        QFETCH(QList<QSslError::SslError>, expectedErrors);

        QSslServer server;
        server.setSslConfiguration(m_ca->serverConfiguration("localhost"));
        QVERIFY(server.listen(QHostAddress::LocalHost));

        QSslSocket client;
        QSslConfiguration clientConfiguration = QSslConfiguration::defaultConfiguration();
        clientConfiguration.setCaCertificates(trustCa ? QList<QSslCertificate>{m_ca->certificate()}
                                                      : QList<QSslCertificate>{});
        clientConfiguration.setAllowedNextProtocols({"h2", "http/1.1"});
        client.setSslConfiguration(clientConfiguration);
        QList<QSslError> clientErrors;
        connect(&client, &QSslSocket::sslErrors, this,
                [&](const QList<QSslError> &errors) { clientErrors += errors; });
        QSignalSpy encrypted(&client, &QSslSocket::encrypted);
        QSignalSpy disconnected(&client, &QSslSocket::disconnected);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort(), peerName);

        if (!expectedErrors.isEmpty()) {
            QTRY_VERIFY_WITH_TIMEOUT(!clientErrors.isEmpty(), 10000);
            QCOMPARE(errorCodes(clientErrors), expectedErrors);
            QVERIFY(!client.isEncrypted());
            return;
        }

        QTRY_COMPARE_WITH_TIMEOUT(encrypted.size(), 1, 10000);
        QVERIFY2(clientErrors.isEmpty(), qPrintable(clientErrors.value(0).errorString()));
        QCOMPARE(client.sslConfiguration().nextNegotiatedProtocol(), QByteArray("http/1.1"));
        QCOMPARE(client.peerCertificateChain(), m_ca->leafFor("localhost").chain);

        // The server side completed too, and bytes cross the encrypted connection.
        QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), 10000);
        auto *accepted = qobject_cast<QSslSocket *>(server.nextPendingConnection());
        QVERIFY(accepted);
        QTRY_VERIFY_WITH_TIMEOUT(accepted->isEncrypted(), 10000);
        QCOMPARE(accepted->sslConfiguration().nextNegotiatedProtocol(), QByteArray("http/1.1"));
        client.write("GET / HTTP/1.1\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(accepted->bytesAvailable(), qint64(18), 10000);
        QCOMPARE(accepted->readAll(), QByteArray("GET / HTTP/1.1\r\n\r\n"));
        QCOMPARE(disconnected.size(), 0);
    }

    void exportWritesAReadableCertificate_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QSsl::EncodingFormat>("format");
        QTest::newRow("pem") << "corslab-ca.pem" << QSsl::Pem;
        QTest::newRow("crt") << "corslab-ca.crt" << QSsl::Pem;
        QTest::newRow("der") << "corslab-ca.der" << QSsl::Der;
        QTest::newRow("cer") << "CORSLAB-CA.CER" << QSsl::Der;
    }

    void exportWritesAReadableCertificate()
    {
        QFETCH(QString, fileName);
        QFETCH(QSsl::EncodingFormat, format);
        QTemporaryDir temporary;
        const QString path = temporary.filePath(fileName);
        QString error;
        QVERIFY2(m_ca->exportCertificate(path, &error), qPrintable(error));
        QCOMPARE(QSslCertificate::fromPath(path, format),
                 QList<QSslCertificate>({m_ca->certificate()}));
        if (format == QSsl::Pem)
            QCOMPARE(readFile(path), m_ca->certificatePem());
    }

    void exportToUnwritablePathFails()
    {
        QTemporaryDir temporary;
        const QString path = temporary.filePath(QStringLiteral("missing/dir/ca.pem"));
        QString error;
        QVERIFY(!m_ca->exportCertificate(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
    }

    void defaultDirectoryIsSharedByAllCorsLabPrograms()
    {
        QVERIFY(CertificateAuthority::defaultDirectory().endsWith(QStringLiteral("/corslab/ca")));
    }
};

QTEST_GUILESS_MAIN(TestCertificateAuthority)
#include "tst_certificate_authority.moc"
