#include "quantity_text.h"

#include <QRegularExpression>
#include <array>
#include <cmath>

namespace corslab::base {

namespace {

constexpr double kKibi = 1024.0;
// Larger quantities are refused: sums of them must not overflow a qint64.
constexpr double kLargest = 4.0e18;

/// \a value × \a unit as a whole number, none when negative or too large.
std::optional<qint64> scaled(double value, double unit)
{
    const double product = std::round(value * unit);
    if (!std::isfinite(product) || product < 0 || product > kLargest)
        return std::nullopt;
    return qint64(product);
}

} // namespace

std::optional<qint64> parseByteSize(const QString &text)
{
    static const QRegularExpression form(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(?:i?B)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QString unit = m.captured(2).toUpper();
    const int power = unit.isEmpty() ? 0 : int(QStringLiteral("KMGT").indexOf(unit)) + 1;
    return scaled(m.captured(1).toDouble(), std::pow(kKibi, power));
}

std::optional<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression form(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*([smhd]?)\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    constexpr std::array<double, 4> kSecondsPer{1, 60, 3600, 86400};
    const QString unit = m.captured(2).toLower();
    const int index = unit.isEmpty() ? 0 : int(QStringLiteral("smhd").indexOf(unit));
    return scaled(m.captured(1).toDouble(), kSecondsPer[size_t(index)]);
}

QString formatByteSize(qint64 bytes)
{
    constexpr std::array<const char *, 5> kUnits{"B", "KB", "MB", "GB", "TB"};
    double value = double(bytes);
    size_t unit = 0;
    while (value >= kKibi && unit + 1 < kUnits.size()) {
        value /= kKibi;
        ++unit;
    }
    return unit == 0
               ? QStringLiteral("%1 B").arg(bytes)
               : QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(kUnits[unit]));
}

} // namespace corslab::base
