package org.ebsvolume.messaging.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PythonJsonTest {

    @Test
    void usesPythonsDefaultSeparators() {
        ObjectNode o = PythonJson.MAPPER.createObjectNode();
        o.put("a", 1);
        o.putArray("b").add(true).addNull();
        assertThat(PythonJson.dumps(o)).isEqualTo("{\"a\": 1, \"b\": [true, null]}");
    }

    @Test
    void escapesNonAsciiAsLowerCaseUtf16Units() {
        JsonNode s = PythonJson.MAPPER.getNodeFactory().textNode("é😀\u007f\u0001\n");
        assertThat(PythonJson.dumps(s)).isEqualTo("\"\\u00e9\\ud83d\\ude00\\u007f\\u0001\\n\"");
    }

    @Test
    void writesFloatsAsPythonRepr() {
        assertThat(PythonJson.floatRepr(1.0)).isEqualTo("1.0");
        assertThat(PythonJson.floatRepr(0.1)).isEqualTo("0.1");
        assertThat(PythonJson.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PythonJson.floatRepr(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PythonJson.floatRepr(123456.789)).isEqualTo("123456.789");
        assertThat(PythonJson.floatRepr(-0.0001)).isEqualTo("-0.0001");
    }

    /** The real proof: Debian's Python json.dumps produces the same bytes for the same values. */
    @Test
    void matchesRealPythonJsonDumpsByteForByte() throws Exception {
        Random random = new Random(42);
        List<JsonNode> samples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            samples.add(randomValue(random, 0));
        }
        ArrayNode all = PythonJson.MAPPER.createArrayNode();
        samples.forEach(all::add);
        String python = "import json,sys\n"
                + "for v in json.loads(sys.stdin.read()):\n"
                + "    print(json.dumps(v))\n";
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", python).redirectErrorStream(true).start();
        p.getOutputStream().write(PythonJson.MAPPER.writeValueAsBytes(all));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String[] lines = out.split("\n");
        assertThat(lines).hasSize(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            assertThat(PythonJson.dumps(samples.get(i))).isEqualTo(lines[i]);
        }
    }

    @Test
    void readsWhatPythonWrites() throws IOException {
        JsonNode n = PythonJson.loads("{\"x\": NaN, \"y\": \"\\u00e9\"}");
        assertThat(n.get("x").doubleValue()).isNaN();
        assertThat(n.get("y").textValue()).isEqualTo("é");
    }

    private static JsonNode randomValue(Random r, int depth) {
        var f = PythonJson.MAPPER.getNodeFactory();
        int kind = depth > 3 ? r.nextInt(5) : r.nextInt(7);
        return switch (kind) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(r.nextBoolean());
            case 2 -> f.numberNode(r.nextLong() >> r.nextInt(60));
            case 3 -> f.numberNode(switch (r.nextInt(4)) {
                case 0 -> r.nextDouble();
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
                case 2 -> (double) r.nextInt(1000);
                default -> -r.nextGaussian() * 1e18;
            });
            case 4 -> f.textNode(randomString(r));
            case 5 -> {
                ArrayNode a = f.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(randomValue(r, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = f.objectNode();
                for (int i = r.nextInt(4); i > 0; i--) {
                    o.set(randomString(r), randomValue(r, depth + 1));
                }
                yield o;
            }
        };
    }

    private static String randomString(Random r) {
        String alphabet = "abc XYZ_-\"\\/\n\t\u0000\u001f\u007fé€😀中\u2028";
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length()))));
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
