#pragma once

#include "session/captured_exchange.h"

#include <QJsonObject>
#include <QList>

class QTextStream;

/// The verdict in `evaluate`'s JSON shape, as text: the summary, every check with its
/// explanation and fix, the fix, the browsers' console messages and the warnings.
void printVerdictText(const QJsonObject &verdict, QTextStream &out);

/// Each exchange's request head beside its response head, as they went on the wire, in two
/// columns; a failed exchange shows its error in the response column.
void printExchangesSideBySide(const QList<corslab::session::CapturedExchange> &exchanges,
                              QTextStream &out);
