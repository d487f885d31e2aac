#pragma once

#include "base/json_reader.h"
#include "override_rules.h"

namespace corslab::proxy {

/// Checks what the proxy needs of one rule before compiling it: the globs, method tokens, header
/// names it may change and values it may write, the policy's pattern and extra headers. Problems
/// are recorded in \a reader with fields under \a field ("rules[2].host: expected ...").
bool checkRule(const OverrideRule &rule, const QString &field, base::JsonReader *reader);

/// The header names the proxy owns because they frame the message (Content-Length, Connection...):
/// a rule may not set, add or remove them. \a name in any case.
bool isFramingHeader(QByteArrayView name);

} // namespace corslab::proxy
