/// The dictionary at the start of a `.npy` file, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
/// Parsed with a small recursive-descent reader of the Python literal subset NumPy writes; anything else is
/// `NumPyError.malformedHeader` naming what was expected.
struct NumPyHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    private enum Value {
        case string(String)
        case bool(Bool)
        case integer(Int)
        case tuple([Int])
    }

    init(parsing text: String) throws(NumPyError) {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        let entries = try reader.dictionary()
        reader.skipWhitespace()
        guard reader.atEnd else { throw .malformedHeader(reason: "unexpected text after the dictionary") }

        guard let descrValue = entries["descr"] else { throw .malformedHeader(reason: "missing key 'descr'") }
        guard case let .string(descr) = descrValue else {
            throw .malformedHeader(reason: "'descr' is not a string (structured dtypes are not supported)")
        }
        guard let orderValue = entries["fortran_order"] else {
            throw .malformedHeader(reason: "missing key 'fortran_order'")
        }
        guard case let .bool(fortranOrder) = orderValue else {
            throw .malformedHeader(reason: "'fortran_order' is not True or False")
        }
        guard let shapeValue = entries["shape"] else { throw .malformedHeader(reason: "missing key 'shape'") }
        guard case let .tuple(shape) = shapeValue else {
            throw .malformedHeader(reason: "'shape' is not a tuple of integers")
        }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var position = 0
        var atEnd: Bool { position >= scalars.count }
        var current: Unicode.Scalar? { atEnd ? nil : scalars[position] }

        mutating func skipWhitespace() {
            while let c = current, c == " " || c == "\t" || c == "\n" || c == "\r" { position += 1 }
        }

        mutating func expect(_ scalar: Unicode.Scalar, _ what: String) throws(NumPyError) {
            skipWhitespace()
            guard current == scalar else {
                throw .malformedHeader(reason: "expected \(what) at character \(position)")
            }
            position += 1
        }

        mutating func dictionary() throws(NumPyError) -> [String: Value] {
            try expect("{", "'{'")
            var entries: [String: Value] = [:]
            while true {
                skipWhitespace()
                if current == "}" { position += 1; return entries }
                let key = try string()
                try expect(":", "':' after key '\(key)'")
                let value = try value()
                if entries[key] != nil { throw .malformedHeader(reason: "key '\(key)' appears twice") }
                entries[key] = value
                skipWhitespace()
                if current == "," { position += 1; continue }
                if current == "}" { position += 1; return entries }
                throw .malformedHeader(reason: "expected ',' or '}' at character \(position)")
            }
        }

        mutating func string() throws(NumPyError) -> String {
            skipWhitespace()
            guard let quote = current, quote == "'" || quote == "\"" else {
                throw .malformedHeader(reason: "expected a quoted string at character \(position)")
            }
            position += 1
            var result = String.UnicodeScalarView()
            while let c = current, c != quote {
                if c == "\\" { throw .malformedHeader(reason: "escape sequences in strings are not supported") }
                result.append(c)
                position += 1
            }
            guard !atEnd else { throw .malformedHeader(reason: "unterminated string") }
            position += 1
            return String(result)
        }

        mutating func value() throws(NumPyError) -> Value {
            skipWhitespace()
            switch current {
            case "'", "\"": return .string(try string())
            case "(": return .tuple(try tuple())
            case "T": try word("True"); return .bool(true)
            case "F": try word("False"); return .bool(false)
            case let c? where c == "-" || ("0"..."9").contains(c): return .integer(try integer())
            default: throw .malformedHeader(reason: "unexpected value at character \(position)")
            }
        }

        mutating func word(_ word: String) throws(NumPyError) {
            for scalar in word.unicodeScalars {
                guard current == scalar else { throw .malformedHeader(reason: "expected \(word) at character \(position)") }
                position += 1
            }
        }

        mutating func integer() throws(NumPyError) -> Int {
            skipWhitespace()
            var negative = false
            if current == "-" { negative = true; position += 1 }
            var value = 0
            var digits = 0
            while let c = current, ("0"..."9").contains(c) {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(c.value) - 48)
                if o1 || o2 { throw .malformedHeader(reason: "integer too large at character \(position)") }
                value = sum
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw .malformedHeader(reason: "expected an integer at character \(position)") }
            if current == "L" { position += 1 }  // Python 2 long literal
            return negative ? -value : value
        }

        mutating func tuple() throws(NumPyError) -> [Int] {
            try expect("(", "'('")
            var items: [Int] = []
            while true {
                skipWhitespace()
                if current == ")" { position += 1; return items }
                items.append(try integer())
                skipWhitespace()
                if current == "," { position += 1; continue }
                if current == ")" { position += 1; return items }
                throw .malformedHeader(reason: "expected ',' or ')' in the shape at character \(position)")
            }
        }
    }
}
