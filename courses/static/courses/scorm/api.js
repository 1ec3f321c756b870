/* SCORM runtime API inside the sandboxed package frame: window.API (SCORM 1.2) and
 * window.API_1484_11 (SCORM 2004). The frame has an opaque origin, so it cannot call the site;
 * GetValue answers from the values the server gave at launch (data-scorm-values), and
 * Commit/Finish send the values the package set to the lesson page by postMessage. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var version = script.getAttribute("data-scorm-version");
  var parentOrigin = script.getAttribute("data-scorm-parent") || "*";
  var values = {};
  try {
    values = JSON.parse(script.getAttribute("data-scorm-values") || "{}");
  } catch (error) {
    values = {};
  }
  var changed = {};
  var state = "new"; // new -> running -> finished
  var lastError = "0";
  var READ_ONLY = /(_children|_count|\.(student_id|student_name|learner_id|learner_name|entry|credit|lesson_mode|mode|total_time|launch_data))$/;
  var WRITE_ONLY = /\.(exit|session_time)$/;
  var CHILDREN = {
    "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    "cmi.core.score._children": "raw,min,max",
    "cmi.score._children": "scaled,raw,min,max",
    "cmi._children": "completion_status,credit,entry,exit,launch_data,learner_id,learner_name,location,mode,score,session_time,success_status,suspend_data,total_time",
    "cmi.interactions._count": "0",
    "cmi.objectives._count": "0",
  };
  var MESSAGES = {
    "0": "No error", "101": "General exception", "103": "Already initialized",
    "104": "Content instance terminated", "112": "Termination before initialization",
    "113": "Termination after termination", "122": "Retrieve data before initialization",
    "123": "Retrieve data after termination", "132": "Store data before initialization",
    "133": "Store data after termination", "142": "Commit before initialization",
    "143": "Commit after termination", "201": "Invalid argument error",
    "301": "Not initialized", "401": "Not implemented error",
    "403": "Element is read only", "404": "Element is write only",
    "405": "Incorrect data type", "351": "General set failure",
  };
  var is2004 = version === "2004";

  function send(method) {
    var message = { type: "lms-scorm", method: method, values: changed };
    changed = {};
    try {
      window.top.postMessage(message, parentOrigin);
    } catch (error) {
      lastError = "101";
      return false;
    }
    return true;
  }

  function fail(code) {
    lastError = code;
    return "false";
  }

  function initialize() {
    if (state === "running") return fail(is2004 ? "103" : "101");
    if (state === "finished") return fail(is2004 ? "104" : "101");
    state = "running";
    lastError = "0";
    return "true";
  }

  function finish() {
    if (state !== "running") return fail(is2004 ? (state === "new" ? "112" : "113") : "301");
    state = "finished";
    lastError = "0";
    return send("finish") ? "true" : "false";
  }

  function getValue(element) {
    if (state !== "running") {
      lastError = is2004 ? (state === "new" ? "122" : "123") : "301";
      return "";
    }
    element = String(element || "");
    if (WRITE_ONLY.test(element)) {
      lastError = "404";
      return "";
    }
    lastError = "0";
    if (Object.prototype.hasOwnProperty.call(values, element)) return values[element];
    if (Object.prototype.hasOwnProperty.call(CHILDREN, element)) return CHILDREN[element];
    if (/^cmi\./.test(element)) return "";
    lastError = "401";
    return "";
  }

  function setValue(element, value) {
    if (state !== "running") return fail(is2004 ? (state === "new" ? "132" : "133") : "301");
    element = String(element || "");
    if (READ_ONLY.test(element)) return fail("403");
    if (!/^cmi\./.test(element)) return fail(is2004 ? "401" : "201");
    value = String(value);
    values[element] = value;
    changed[element] = value;
    lastError = "0";
    return "true";
  }

  function commit() {
    if (state !== "running") return fail(is2004 ? (state === "new" ? "142" : "143") : "301");
    lastError = "0";
    return send("commit") ? "true" : "false";
  }

  function errorString(code) {
    return MESSAGES[String(code)] || "";
  }

  window.API = {
    LMSInitialize: initialize,
    LMSFinish: finish,
    LMSGetValue: getValue,
    LMSSetValue: setValue,
    LMSCommit: commit,
    LMSGetLastError: function () { return lastError; },
    LMSGetErrorString: errorString,
    LMSGetDiagnostic: errorString,
  };
  window.API_1484_11 = {
    Initialize: initialize,
    Terminate: finish,
    GetValue: getValue,
    SetValue: setValue,
    Commit: commit,
    GetLastError: function () { return lastError; },
    GetErrorString: errorString,
    GetDiagnostic: errorString,
  };

  // Leaving the page without Finish still saves what the package set.
  window.addEventListener("pagehide", function () {
    if (state === "running" && Object.keys(changed).length) send("commit");
  });
})();
