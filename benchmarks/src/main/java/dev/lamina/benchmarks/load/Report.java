package dev.lamina.benchmarks.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one run: tables by section, the targets with PASS/MISS, and notes; as Markdown and JSON. */
final class Report {

    record Section(String title, String note, List<String> header, List<List<String>> rows) {}

    /**
     * One target of the issue.
     *
     * @param ratio measured / floor
     * @param limit the largest ratio that passes (or, when {@code strictlyBelow}, the bound it must stay under)
     */
    record Target(
            String name,
            String measured,
            String floor,
            double ratio,
            double limit,
            boolean strictlyBelow,
            boolean pass,
            boolean measuredOk) {}

    final Map<String, String> machine = new LinkedHashMap<>();
    final List<Section> sections = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    Section section(String title, String note, String... header) {
        Section s = new Section(title, note, List.of(header), new ArrayList<>());
        sections.add(s);
        return s;
    }

    static void row(Section s, Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c instanceof Double d ? num(d) : String.valueOf(c));
        }
        s.rows().add(r);
    }

    /** Adds a ratio target: pass when measured/floor ≤ limit (or &lt; limit when strictlyBelow). */
    void target(
            String name,
            double measured,
            double floor,
            String unit,
            String floorName,
            double limit,
            boolean strictlyBelow) {
        boolean ok = !Double.isNaN(measured) && !Double.isNaN(floor) && floor > 0;
        double ratio = ok ? measured / floor : Double.NaN;
        boolean pass = ok && (strictlyBelow ? ratio < limit : ratio <= limit);
        targets.add(new Target(
                name,
                ok ? num(measured) + " " + unit : "not measured",
                floorName + " " + num(floor) + " " + unit,
                ratio,
                limit,
                strictlyBelow,
                pass,
                ok));
    }

    /** Adds a target where more is better: pass when measured/floor ≥ limit. */
    void targetAtLeast(String name, double measured, double floor, String unit, String floorName, double limit) {
        boolean ok = !Double.isNaN(measured) && !Double.isNaN(floor) && floor > 0;
        double ratio = ok ? measured / floor : Double.NaN;
        targets.add(new Target(
                name,
                ok ? num(measured) + " " + unit : "not measured",
                floorName + " " + num(floor) + " " + unit,
                ratio,
                -limit,
                false,
                ok && ratio >= limit,
                ok));
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a > 0 && a < 0.1) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String limitText(Target t) {
        if (t.limit() < 0) {
            return "≥ " + num(-t.limit()) + "×";
        }
        return (t.strictlyBelow() ? "< " : "≤ ") + num(t.limit()) + "×";
    }

    String targetsMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("| Target | Lamina | Floor | Ratio | Limit | Result |\n|---|---|---|---|---|---|\n");
        for (Target t : targets) {
            md.append("| ")
                    .append(t.name())
                    .append(" | ")
                    .append(t.measured())
                    .append(" | ")
                    .append(t.floor())
                    .append(" | ")
                    .append(Double.isNaN(t.ratio()) ? "n/a" : num(t.ratio()) + "×")
                    .append(" | ")
                    .append(limitText(t))
                    .append(" | ")
                    .append(t.measuredOk() ? (t.pass() ? "PASS" : "**MISS**") : "NOT MEASURED")
                    .append(" |\n");
        }
        return md.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Lamina benchmark results\n\n");
        md.append("Written by `./lamina bench` (benchmarks/src/main/java/dev/lamina/benchmarks/load/Bench.java). "
                + "Targets are ratios to floors measured in the same run.\n\n## Machine\n\n| | |\n|---|---|\n");
        machine.forEach(
                (k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Targets\n\n").append(targetsMarkdown());
        for (Section s : sections) {
            md.append("\n## ").append(s.title()).append("\n\n");
            if (s.note() != null && !s.note().isEmpty()) {
                md.append(s.note()).append("\n\n");
            }
            md.append("| ").append(String.join(" | ", s.header())).append(" |\n|");
            md.append("---|".repeat(s.header().size())).append('\n');
            for (List<String> r : s.rows()) {
                md.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            for (String n : notes) {
                md.append("- ").append(n).append('\n');
            }
        }
        return md.toString();
    }

    String json() {
        StringBuilder j = new StringBuilder("{\n  \"machine\": {");
        String sep = "";
        for (var e : machine.entrySet()) {
            j.append(sep).append("\n    ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
            sep = ",";
        }
        j.append("\n  },\n  \"targets\": [");
        sep = "";
        for (Target t : targets) {
            j.append(sep)
                    .append("\n    {\"name\": ")
                    .append(q(t.name()))
                    .append(", \"measured\": ")
                    .append(q(t.measured()))
                    .append(", \"floor\": ")
                    .append(q(t.floor()))
                    .append(", \"ratio\": ")
                    .append(Double.isNaN(t.ratio()) ? "null" : String.format(Locale.ROOT, "%.3f", t.ratio()))
                    .append(", \"limit\": ")
                    .append(q(limitText(t)))
                    .append(", \"result\": ")
                    .append(q(t.measuredOk() ? (t.pass() ? "PASS" : "MISS") : "NOT MEASURED"))
                    .append('}');
            sep = ",";
        }
        j.append("\n  ],\n  \"sections\": [");
        sep = "";
        for (Section s : sections) {
            j.append(sep).append("\n    {\"title\": ").append(q(s.title())).append(", \"header\": [");
            j.append(String.join(", ", s.header().stream().map(Report::q).toList()))
                    .append("], \"rows\": [");
            String rsep = "";
            for (List<String> r : s.rows()) {
                j.append(rsep)
                        .append("\n      [")
                        .append(String.join(", ", r.stream().map(Report::q).toList()))
                        .append(']');
                rsep = ",";
            }
            j.append("]}");
            sep = ",";
        }
        j.append("\n  ],\n  \"notes\": [");
        j.append(String.join(", ", notes.stream().map(Report::q).toList()));
        return j.append("]\n}\n").toString();
    }

    private static String q(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
