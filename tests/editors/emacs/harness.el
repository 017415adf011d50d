;;; harness.el --- test side channel for tests/editors/test_emacs.py  -*- lexical-binding: t; -*-

;; Loaded after the user's init (the README's lines).  Dials the test's TCP channel
;; (VC_TEST_PORT) and reports what happens as events, so the test waits on events, never on
;; sleeps: `attached' when vc-lsp manages a buffer, `changed' with the text after a buffer
;; change, `message' for every echo-area message, `prompt' when the minibuffer asks something.
;; The test sends ["expr", FORM, -ID] lines; FORM is read and evaluated in the selected
;; window's buffer and answered [-ID, VALUE].  Keys come from tmux, as a person types them.

(require 'json)
(require 'subr-x)

(defvar vc-test--process nil)
(defvar vc-test--pending "")
(defvar vc-test--watched nil "Buffers whose changes are reported.")

(defun vc-test--json (value)
  "VALUE as JSON text, or its printed form as a JSON string."
  (condition-case nil
      (json-serialize (vector value) :null-object nil :false-object :false)
    (error (json-serialize (vector (prin1-to-string value))))))

(defun vc-test--send (key value)
  (when (process-live-p vc-test--process)
    (let ((item (substring (vc-test--json value) 1 -1)))   ; drop the vector's brackets
      (process-send-string vc-test--process (format "[%d,%s]\n" key item)))))

(defun vc-test-tell (event &optional data)
  "Report EVENT with DATA (a plist or a string) to the test."
  (vc-test--send 0 (list :event event :data data)))

(defun vc-test--run (line)
  (let* ((message (json-parse-string line :array-type 'list :null-object nil))
         (id (- (nth 2 message)))
         (value (condition-case err
                    (with-current-buffer (window-buffer (selected-window))
                      (eval (car (read-from-string (nth 1 message))) t))
                  (error (list :error (error-message-string err))))))
    (vc-test--send (- id) value)))

(defun vc-test--filter (_process text)
  (setq vc-test--pending (concat vc-test--pending text))
  (while (string-match "\n" vc-test--pending)
    (let ((line (substring vc-test--pending 0 (match-beginning 0))))
      (setq vc-test--pending (substring vc-test--pending (match-end 0)))
      (unless (string-blank-p line)
        (vc-test--run line)))))

(defun vc-test-lines (&optional buffer)
  "The lines of BUFFER (or the current one) as a vector."
  (with-current-buffer (or buffer (current-buffer))
    (save-restriction
      (widen)   ; Eglot narrows to the edited range while it applies an edit
      (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n")))))

(defun vc-test-state ()
  "Buffer, text, point (line, column) and mode of the selected window."
  (list :buffer (buffer-name) :lines (vc-test-lines)
        :line (line-number-at-pos) :column (current-column)
        :minibuffer (if (active-minibuffer-window) t :false)))

;; Changes of watched buffers: every streamed edit, keystroke and completion.
(defun vc-test--after-change (&rest _)
  (when (memq (current-buffer) vc-test--watched)
    (vc-test-tell "changed" (list :buffer (buffer-name) :lines (vc-test-lines)))))

(defun vc-test-watch ()
  "Report the current buffer's changes."
  (add-to-list 'vc-test--watched (current-buffer))
  (add-hook 'after-change-functions #'vc-test--after-change t t)
  t)
(add-hook 'find-file-hook #'vc-test-watch)
(add-hook 'vc-lsp-explanation-mode-hook #'vc-test-watch)   ; the *vc-lsp explanation* buffer
;; Every vc/explanation update, after vc-lsp.el showed it (a last update may change no text).
(with-eval-after-load 'vc-lsp
  (advice-add 'vc-lsp--explanation :after
              (lambda (&rest _)
                (let ((buffer (get-buffer "*vc-lsp explanation*")))
                  (when buffer
                    (with-current-buffer buffer
                      (vc-test-tell "explanation"
                                    (list :header (format-mode-line header-line-format)
                                          :done (if vc-lsp--explanation-done t :false)))))))))

;; Native compilation of Debian's elpa packages warns in a window of its own; keep the screen
;; to what the test is about.
(setq native-comp-async-report-warnings-errors 'silent)

;; Everything shown in the echo area.
(defun vc-test--message (text)
  (when (and text (not (string-empty-p text)))
    (vc-test-tell "message" text))
  text)
(advice-add 'message :filter-return #'vc-test--message)

(add-hook 'minibuffer-setup-hook
          (lambda () (vc-test-tell "prompt" (or (minibuffer-prompt) ""))))
;; Questions asked one key at a time (lsp-mode's project root) bypass the minibuffer.
(advice-add 'read-key :before
            (lambda (&optional prompt &rest _) (vc-test-tell "prompt" (or prompt ""))))

;; Attached: Eglot or lsp-mode manages the buffer with vc-lsp.
(add-hook 'eglot-managed-mode-hook
          (lambda ()
            (when (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))
              (vc-test-tell "attached"
                            (list :client "eglot" :buffer (buffer-name)
                                  :server (format "%s" (eieio-object-class
                                                        (eglot-current-server))))))))
(add-hook 'lsp-after-open-hook   ; vc-lsp is the only server lsp-mode has here
          (lambda () (vc-test-tell "attached" (list :client "lsp-mode" :buffer (buffer-name)))))

(let ((port (string-to-number (or (getenv "VC_TEST_PORT") "0"))))
  (when (> port 0)
    (setq vc-test--process
          (make-network-process :name "vc-test" :host "127.0.0.1" :service port
                                :coding 'utf-8 :noquery t :filter #'vc-test--filter))
    (vc-test-tell "ready" (list :emacs emacs-version))))

;;; harness.el ends here
