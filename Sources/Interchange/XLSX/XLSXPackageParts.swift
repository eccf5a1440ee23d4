import Foundation

extension XLSXWriter {
    /// The fixed parts of the package: content types, relationships, workbook, properties.
    enum Package {
        static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        static let relationshipTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

        static func contentTypes(sheets: Int, sharedStrings: Bool) -> Data {
            var x = XMLBuffer()
            x.raw(header)
            x.raw(#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#)
            x.raw(#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#)
            x.raw(#"<Default Extension="xml" ContentType="application/xml"/>"#)
            x.raw(#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#)
            for i in 1...sheets {
                x.raw("<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>")
            }
            x.raw(#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#)
            if sharedStrings {
                x.raw(#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#)
            }
            x.raw(#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#)
            x.raw(#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#)
            x.raw("</Types>")
            return x.data
        }

        static var rootRelationships: Data {
            var x = XMLBuffer()
            x.raw(header)
            x.raw(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#)
            x.raw("<Relationship Id=\"rId1\" Type=\"\(relationshipTypes)/officeDocument\" Target=\"xl/workbook.xml\"/>")
            x.raw(#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#)
            x.raw("<Relationship Id=\"rId3\" Type=\"\(relationshipTypes)/extended-properties\" Target=\"docProps/app.xml\"/>")
            x.raw("</Relationships>")
            return x.data
        }

        static func workbookRelationships(sheets: Int, sharedStrings: Bool) -> Data {
            var x = XMLBuffer()
            x.raw(header)
            x.raw(#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#)
            for i in 1...sheets {
                x.raw("<Relationship Id=\"rId\(i)\" Type=\"\(relationshipTypes)/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>")
            }
            x.raw("<Relationship Id=\"rId\(sheets + 1)\" Type=\"\(relationshipTypes)/styles\" Target=\"styles.xml\"/>")
            if sharedStrings {
                x.raw("<Relationship Id=\"rId\(sheets + 2)\" Type=\"\(relationshipTypes)/sharedStrings\" Target=\"sharedStrings.xml\"/>")
            }
            x.raw("</Relationships>")
            return x.data
        }

        /// The workbook part: sheets in order and, for each filtered sheet, the hidden name Excel
        /// keeps the filter range in.
        static func workbook(sheetNames: [String], sheets: [XLSXSheet]) -> Data {
            var x = XMLBuffer()
            x.raw(header)
            x.raw("<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationshipTypes)\">")
            x.raw(#"<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>"#)
            for (i, name) in sheetNames.enumerated() {
                x.raw("<sheet name=\"")
                x.escaped(name, attribute: true)
                x.raw("\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>")
            }
            x.raw("</sheets>")
            let filtered = sheets.enumerated().filter { $0.element.autoFilter && !$0.element.columns.isEmpty }
            if !filtered.isEmpty {
                x.raw("<definedNames>")
                for (i, sheet) in filtered {
                    let quoted = "'" + sheetNames[i].replacingOccurrences(of: "'", with: "''") + "'"
                    let range = "$A$1:$\(CellReference.letters(sheet.columns.count))$\(sheet.rows.count + 1)"
                    x.raw("<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"\(i)\" hidden=\"1\">")
                    x.escaped(quoted + "!" + range, attribute: false)
                    x.raw("</definedName>")
                }
                x.raw("</definedNames>")
            }
            x.raw("</workbook>")
            return x.data
        }

        static func core(title: String?, creator: String?, created: Date) -> Data {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            let stamp = formatter.string(from: created)
            var x = XMLBuffer()
            x.raw(header)
            x.raw(#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#)
            x.raw(#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#)
            x.raw(#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#)
            if let title { x.textElement("dc:title", title) }
            if let creator { x.textElement("dc:creator", creator) }
            x.raw("<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(stamp)</dcterms:created>")
            x.raw("<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(stamp)</dcterms:modified>")
            x.raw("</cp:coreProperties>")
            return x.data
        }

        static func app(sheetNames: [String]) -> Data {
            var x = XMLBuffer()
            x.raw(header)
            x.raw(#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" "#)
            x.raw(#"xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#)
            x.raw("<Application>SalesVault</Application>")
            x.raw("<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>")
            x.raw("<vt:variant><vt:i4>\(sheetNames.count)</vt:i4></vt:variant></vt:vector></HeadingPairs>")
            x.raw("<TitlesOfParts><vt:vector size=\"\(sheetNames.count)\" baseType=\"lpstr\">")
            for name in sheetNames { x.textElement("vt:lpstr", name) }
            x.raw("</vt:vector></TitlesOfParts></Properties>")
            return x.data
        }
    }
}
