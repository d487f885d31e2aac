#pragma once

#include "session/session_store.h"

#include <QString>
#include <QStringList>

class QSettings;

namespace corslab::ui {

/// \brief The desktop app's preferences: what it starts with, kept in QSettings under
/// "preferences/".
///
/// A value missing from the settings, of the wrong type or out of range falls back to its
/// default, so a hand-edited or old settings file never stops the app from starting.
struct Preferences
{
    static constexpr qint64 kMinBodyCaptureBytes = 1024;
    static constexpr qint64 kMaxBodyCaptureBytes = 64 * 1024 * 1024;

    quint16 apiPort = 0;                 ///< the playground's API origin; 0 picks a free port
    quint16 appPort = 0;                 ///< the trusted app origin; 0 picks a free port
    quint16 evilPort = 0;                ///< the untrusted origin; 0 picks a free port
    quint16 proxyPort = 8899;            ///< 0 picks a free port
    qint64 bodyCaptureBytes = 64 * 1024; ///< per captured body; the rest is counted, not stored
    QString browserBinary; ///< the browser "Open browser" launches; empty: Chromium's default
    QString browserProfile = QStringLiteral("chromium"); ///< one of browserProfiles()
    bool startProxyAtLaunch = true;
    /// The exchange list shows the browser's own background traffic (its filter bar toggle).
    bool showBrowserBackground = false;
    /// The session's limits (issue 15), each 0 when off: the oldest exchanges are dropped first.
    qint64 keepExchanges = 0;
    qint64 keepDiskBytes = 0;
    qint64 keepAgeSeconds = 0;

    static constexpr qint64 kMinKeepDiskBytes = qint64(1) << 20;       ///< 1 MB
    static constexpr qint64 kMaxKeepDiskBytes = qint64(1) << 50;       ///< 1 PB
    static constexpr qint64 kMinKeepAgeSeconds = 60;                   ///< a minute
    static constexpr qint64 kMaxKeepAgeSeconds = qint64(3650) * 86400; ///< ten years
    static constexpr qint64 kMaxKeepExchanges = 2000000000;

    /// The limits as the Lab takes them (Lab::Options::retention, Lab::setRetention()).
    session::StoreRetention retention() const;

    /// The browser profiles the engine judges with, in menu order.
    static QStringList browserProfiles();

    /// Reads the preferences; each bad or missing value is replaced by its default.
    static Preferences load(QSettings &settings);
    void save(QSettings &settings) const;

    /// What is wrong, one sentence per problem naming the field and what was expected; empty
    /// when the preferences are usable.
    QStringList problems() const;

    bool operator==(const Preferences &) const = default;
};

} // namespace corslab::ui
