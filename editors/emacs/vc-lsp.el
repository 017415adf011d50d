;;; vc-lsp.el --- vc-lsp in Emacs, with lsp-mode or Eglot  -*- lexical-binding: t; -*-

;; Load this file after lsp-mode or Eglot (see README.md in this folder):
;;
;;   (load "/path/to/vc-lsp/editors/emacs/vc-lsp.el")
;;   (global-set-key (kbd "C-c v") 'vc-lsp-command-map)
;;
;; lsp-mode runs vc-lsp next to your language server: ghost text through
;; `lsp-inline-completion-mode' where lsp-mode has it (9.0+), completion items before that.
;; Eglot runs one server per buffer, so vc-lsp is registered for `vc-lsp-eglot-modes' only
;; (see the README for a multiplexer that lifts that limit), and its streamed edits are applied
;; without Eglot's y/n for each one (`vc-lsp-eglot-confirm-edits').
;; With either client, an explanation fills in the `*vc-lsp explanation*' buffer while the
;; model writes it (neither Eglot 1.9 nor lsp-mode 8 can open a document for a server).

;;; Code:

(require 'cl-lib)
(require 'seq)
(require 'subr-x)
(require 'url-util)

(defgroup vc-lsp nil
  "AI completions and streamed edits from the vc-lsp language server."
  :group 'tools
  :prefix "vc-lsp-")

(defcustom vc-lsp-command '("vc-lsp")
  "The vc-lsp command and its arguments, e.g. (\"/path/to/.venv/bin/vc-lsp\")."
  :type '(repeat string))

(defcustom vc-lsp-settings nil
  "The vcLsp settings as a plist.
For example (:model \"gpt-5.4\" :inline (:maxLines 8)).  Sent as
initializationOptions when the server starts; see the settings table in
vc-lsp's README."
  :type 'plist)

(defcustom vc-lsp-eglot-modes '(text-mode markdown-mode yaml-mode yaml-ts-mode conf-mode)
  "Major modes in which Eglot starts vc-lsp.
Eglot runs one server per buffer: list modes that have no other
language server, or start vc-lsp through a multiplexer (see README.md).
Setting it, with `setq' too, takes effect for buffers opened after."
  :type '(repeat symbol))

(defcustom vc-lsp-eglot-confirm-edits nil
  "Whether Eglot asks before applying each of vc-lsp's edits.
nil (the default) applies them as they stream in.  Eglot's own
`eglot-confirm-server-initiated-edits' (y/n for every server edit)
still applies to your other servers."
  :type 'boolean)

(defconst vc-lsp--client-options '(:explanation t)
  "What vc-lsp.el shows itself, sent as initializationOptions.vcLspClient.
The server then streams explanations as `vc/explanation' notifications.")

;;;; lsp-mode

(declare-function lsp-register-client "lsp-mode")
(declare-function make-lsp-client "lsp-mode")
(declare-function lsp-stdio-connection "lsp-mode")
(declare-function lsp-workspaces "lsp-mode")
(declare-function lsp--workspace-client "lsp-mode")
(declare-function lsp--client-server-id "lsp-mode")
(declare-function lsp-request-async "lsp-mode")
(declare-function lsp--region-to-range "lsp-mode")
(declare-function lsp--buffer-uri "lsp-mode")
(declare-function lsp--cur-position "lsp-mode")
(declare-function lsp-configuration-section "lsp-mode")
(defvar lsp--cur-workspace)

(defun vc-lsp--lsp-inline-p ()
  "Whether this lsp-mode shows ghost text (inline completions, lsp-mode 9+)."
  (or (fboundp 'lsp-inline-completion-mode)
      (and (locate-library "lsp-inline-completion") t)))

(defun vc-lsp--lsp-initialization-options ()
  "The vcLsp section for lsp-mode: completion items if it has no ghost text."
  (list :vcLsp (vc-lsp--merge vc-lsp-settings
                              (list :inline (list :completionFallback
                                                  (if (vc-lsp--lsp-inline-p) "never" "always"))))
        :vcLspClient vc-lsp--client-options))

(defun vc-lsp--get (params key)
  "KEY of PARAMS, as lsp-mode parsed them (a hash table or a plist)."
  (if (hash-table-p params)
      (gethash key params)
    (plist-get params (intern (concat ":" key)))))

(defun vc-lsp--lsp-explanation (workspace params)
  "lsp-mode's handler of vc-lsp's `vc/explanation' notification from WORKSPACE."
  (vc-lsp--explanation (cons 'lsp workspace)
                       (vc-lsp--get params "id") (vc-lsp--get params "title")
                       (vc-lsp--get params "text") (eq (vc-lsp--get params "done") t)
                       (vc-lsp--get params "stopped")))

(with-eval-after-load 'lsp-mode
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () vc-lsp-command))
    :activation-fn (lambda (&rest _) t)   ; every buffer lsp-mode manages
    :add-on? t                            ; next to your language server, not instead of it
    :priority -2
    :server-id 'vc-lsp
    :notification-handlers (let ((handlers (make-hash-table :test #'equal)))
                             (puthash "vc/explanation" #'vc-lsp--lsp-explanation handlers)
                             handlers)
    ;; With ghost text (lsp-mode 9+) no completion items, so a suggestion does not show twice;
    ;; lsp-mode 8 has no inline completion, so the suggestions come as completion items.
    :initialization-options #'vc-lsp--lsp-initialization-options)))

(defun vc-lsp--merge (settings defaults)
  "SETTINGS with DEFAULTS filled in where SETTINGS leaves a key out."
  (let ((out (copy-sequence settings)))
    (cl-loop for (key value) on defaults by #'cddr
             do (let ((mine (plist-get out key)))
                  (setq out (plist-put out key
                                       (if (and (listp value) (listp mine))
                                           (vc-lsp--merge mine value)
                                         (or mine value))))))
    out))

(defun vc-lsp--lsp-workspace ()
  "The vc-lsp workspace of this buffer under lsp-mode, or nil."
  (and (bound-and-true-p lsp-mode)
       (seq-find (lambda (ws) (eq (lsp--client-server-id (lsp--workspace-client ws)) 'vc-lsp))
                 (lsp-workspaces))))

;;;; Eglot

(declare-function eglot-current-server "eglot")
(declare-function eglot--pos-to-lsp-position "eglot")
(declare-function eglot--TextDocumentIdentifier "eglot")
(declare-function eglot--signal-textDocument/didChange "eglot")
(declare-function jsonrpc-async-request "jsonrpc")
(defvar eglot-server-programs)
(defvar eglot-confirm-server-initiated-edits)

(defun vc-lsp-eglot-contact (&optional _interactive)
  "How Eglot starts vc-lsp: its own server class, so its edits need no y/n each."
  `(vc-lsp-eglot-server ,@vc-lsp-command
                        :initializationOptions (:vcLsp ,vc-lsp-settings
                                                :vcLspClient ,vc-lsp--client-options)))

(defun vc-lsp--eglot-register (modes)
  "Make Eglot start vc-lsp in MODES, before its own servers for them."
  (setq eglot-server-programs
        (cons (cons modes #'vc-lsp-eglot-contact)
              (seq-remove (lambda (entry) (eq (cdr-safe entry) #'vc-lsp-eglot-contact))
                          eglot-server-programs))))

;; A `setq' of `vc-lsp-eglot-modes' after this file is loaded must count too.
(add-variable-watcher
 'vc-lsp-eglot-modes
 (lambda (_symbol modes operation _where)
   (when (and (eq operation 'set) (featurep 'eglot))
     (vc-lsp--eglot-register modes))))

(with-eval-after-load 'eglot
  (eval
   '(progn
      (defclass vc-lsp-eglot-server (eglot-lsp-server) ()
        :documentation "vc-lsp under Eglot.")
      (cl-defmethod eglot-handle-request
        ((_server vc-lsp-eglot-server) (_method (eql workspace/applyEdit)) &rest _)
        "vc-lsp's streamed edits: asked about only if `vc-lsp-eglot-confirm-edits'."
        (let ((eglot-confirm-server-initiated-edits (and vc-lsp-eglot-confirm-edits 'confirm)))
          (cl-call-next-method)))
      (cl-defmethod eglot-handle-notification
        ((server vc-lsp-eglot-server) (_method (eql vc/explanation))
         &key id title text done stopped &allow-other-keys)
        "vc-lsp's explanation so far, shown in the `*vc-lsp explanation*' buffer."
        (vc-lsp--explanation (cons 'eglot server) id title text (eq done t) stopped)))
   t)
  (vc-lsp--eglot-register vc-lsp-eglot-modes))

;;;; Explanations (both clients)

(declare-function markdown-view-mode "markdown-mode")

(defconst vc-lsp-explanation-buffer "*vc-lsp explanation*")

(defvar vc-lsp--explanation-closed nil
  "The id of the explanation whose buffer was closed: its last updates are ignored.")

(defvar-local vc-lsp--explanation-id nil)
(defvar-local vc-lsp--explanation-done nil)
(defvar-local vc-lsp--explanation-connection nil)

(defvar vc-lsp-explanation-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "q") #'vc-lsp-explanation-quit)
    (define-key map (kbd "C-c C-k") #'vc-lsp-explanation-stop)
    map)
  "Keys in the explanation buffer.")

(define-minor-mode vc-lsp-explanation-mode
  "Keys of the `*vc-lsp explanation*' buffer.
\\<vc-lsp-explanation-mode-map>\\[vc-lsp-explanation-stop] stops the explanation.
\\[vc-lsp-explanation-quit] closes the buffer and stops it."
  :keymap vc-lsp-explanation-mode-map
  (add-hook 'kill-buffer-hook #'vc-lsp--explanation-killed nil t))

(defun vc-lsp--explanation-cancel (&optional forget)
  "Ask the server to stop this buffer's explanation if it still streams.
With FORGET, its last updates are dropped instead of shown."
  (when (and vc-lsp--explanation-id (not vc-lsp--explanation-done)
             vc-lsp--explanation-connection)
    (setq vc-lsp--explanation-done t)
    (ignore-errors
      (vc-lsp--send vc-lsp--explanation-connection "vc.cancel"
                    (list :uri vc-lsp--explanation-id))))
  (when forget
    (setq vc-lsp--explanation-closed vc-lsp--explanation-id)))

(defun vc-lsp--explanation-killed ()
  (vc-lsp--explanation-cancel t))

(defun vc-lsp-explanation-stop ()
  "Stop the explanation streaming into this buffer."
  (interactive)
  (vc-lsp--explanation-cancel))

(defun vc-lsp-explanation-quit ()
  "Close the explanation (stopping it if it still streams)."
  (interactive)
  (quit-window t))

(defun vc-lsp--explanation-setup ()
  "Make this a fresh explanation buffer: Markdown to read, keys to stop and close."
  (let ((inhibit-read-only t))
    (erase-buffer))
  (if (and (require 'markdown-mode nil t) (fboundp 'markdown-view-mode))
      (progn
        ;; Without your Markdown hooks: one that starts a language server must not run here.
        (delay-mode-hooks (markdown-view-mode))
        (font-lock-mode 1))
    (special-mode))
  (visual-line-mode 1)
  (vc-lsp-explanation-mode 1))

(defun vc-lsp--explanation-replace (text)
  "Make the buffer read TEXT, appending when TEXT only adds to it."
  (let ((inhibit-read-only t)
        (old (buffer-substring-no-properties (point-min) (point-max))))
    (cond
     ((string= old text))
     ((string-prefix-p old text)
      (save-excursion
        (goto-char (point-max))
        (insert (substring text (length old)))))
     (t
      (let ((line (line-number-at-pos)))
        (erase-buffer)
        (insert text)
        (goto-char (point-min))
        (forward-line (1- line)))))))

(defun vc-lsp--explanation (connection id title text done stopped)
  "Show one `vc/explanation' update from CONNECTION.
ID names the explanation, TITLE the code it explains; TEXT is the
explanation so far, DONE says it is over and STOPPED why it stopped
early, if it did."
  (unless (equal id vc-lsp--explanation-closed)
    (let ((buffer (get-buffer vc-lsp-explanation-buffer))
          (fresh nil))
      (unless (and buffer (equal (buffer-local-value 'vc-lsp--explanation-id buffer) id))
        (when buffer                    ; a newer explanation replaces one still streaming
          (with-current-buffer buffer (vc-lsp--explanation-cancel t)))
        (setq buffer (get-buffer-create vc-lsp-explanation-buffer)
              fresh t)
        (with-current-buffer buffer
          (vc-lsp--explanation-setup)
          (setq vc-lsp--explanation-id id
                vc-lsp--explanation-connection connection)))
      (with-current-buffer buffer
        (vc-lsp--explanation-replace (or text ""))
        (set-buffer-modified-p nil)     ; nothing to save: closing it loses nothing
        (setq vc-lsp--explanation-done done)
        (setq header-line-format
              (format " %s: %s" title
                      (cond ((and done stopped) (format "stopped (%s)" stopped))
                            (done "done; q closes")
                            (t "explaining...; C-c C-k stops, q closes")))))
      (when (or fresh (not (get-buffer-window buffer t)))
        (unless (and done (not fresh))   ; closed windows stay closed once it is over
          (display-buffer buffer '(nil (inhibit-same-window . t))))))))

;;;; Commands (both clients)

(defun vc-lsp--range ()
  "The region, or an empty range at point.
With an empty range the server takes the enclosing block."
  (let ((beg (if (use-region-p) (region-beginning) (point)))
        (end (if (use-region-p) (region-end) (point))))
    (cond
     ((vc-lsp--lsp-workspace) (lsp--region-to-range beg end))
     ((and (fboundp 'eglot-current-server) (eglot-current-server))
      (list :start (eglot--pos-to-lsp-position beg) :end (eglot--pos-to-lsp-position end)))
     (t (user-error "vc-lsp: not running in this buffer (M-x lsp or M-x eglot)")))))

(defun vc-lsp--uri ()
  (if (vc-lsp--lsp-workspace)
      (lsp--buffer-uri)
    (plist-get (eglot--TextDocumentIdentifier) :uri)))

(defun vc-lsp--connection ()
  "vc-lsp's connection in this buffer: (lsp . WORKSPACE) or (eglot . SERVER)."
  (if-let ((workspace (vc-lsp--lsp-workspace)))
      (cons 'lsp workspace)
    (let ((server (and (fboundp 'eglot-current-server) (eglot-current-server))))
      (unless server
        (user-error "vc-lsp: not running in this buffer (M-x lsp or M-x eglot)"))
      (cons 'eglot server))))

(defun vc-lsp--send (connection command argument)
  "Send workspace/executeCommand COMMAND with one ARGUMENT through CONNECTION."
  (let ((params (list :command command :arguments (vector argument)))
        (on-error (lambda (err)
                    (message "vc-lsp: %s" (if (listp err) (plist-get err :message) err)))))
    (if (eq (car connection) 'lsp)
        (let ((lsp--cur-workspace (cdr connection)))
          (lsp-request-async "workspace/executeCommand" params #'ignore
                             :error-handler on-error :mode 'detached))
      (jsonrpc-async-request (cdr connection) :workspace/executeCommand params
                             :success-fn #'ignore
                             :error-fn on-error))))

(defun vc-lsp--execute (command argument)
  "Send workspace/executeCommand COMMAND with one ARGUMENT object to vc-lsp only."
  (let ((connection (vc-lsp--connection)))
    (when (eq (car connection) 'eglot)
      (eglot--signal-textDocument/didChange))   ; the server must see what you just typed
    (vc-lsp--send connection command argument)))

;;;###autoload
(defun vc-lsp-explain ()
  "Explain the region, or the code around point."
  (interactive)
  (vc-lsp--execute "vc.explain" (list :uri (vc-lsp--uri) :range (vc-lsp--range))))

;;;###autoload
(defun vc-lsp-edit (instruction)
  "Rewrite the region (or the code around point) as INSTRUCTION says."
  (interactive (list (read-string "vc-lsp edit: ")))
  (when (string-blank-p instruction)
    (user-error "vc-lsp: no instruction"))
  (vc-lsp--execute "vc.edit" (list :uri (vc-lsp--uri) :range (vc-lsp--range)
                                   :instruction instruction)))

;;;###autoload
(defun vc-lsp-fix ()
  "Fix the problems in the region, or on the current line."
  (interactive)
  (unless (use-region-p)
    (push-mark (line-beginning-position) t t)
    (goto-char (line-end-position)))
  (vc-lsp--execute "vc.fix" (list :uri (vc-lsp--uri) :range (vc-lsp--range))))

;;;###autoload
(defun vc-lsp-cancel ()
  "Stop what vc-lsp is streaming into this buffer."
  (interactive)
  (vc-lsp--execute "vc.cancel" (list :uri (vc-lsp--uri))))

;;;###autoload
(defun vc-lsp-revert ()
  "Restore the text that vc-lsp's last edit replaced."
  (interactive)
  (vc-lsp--execute "vc.revert" (list :uri (vc-lsp--uri))))

(defvar vc-lsp-command-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "e") #'vc-lsp-explain)
    (define-key map (kbd "i") #'vc-lsp-edit)
    (define-key map (kbd "f") #'vc-lsp-fix)
    (define-key map (kbd "c") #'vc-lsp-cancel)
    (define-key map (kbd "r") #'vc-lsp-revert)
    (define-key map (kbd "w") #'vc-lsp-why)
    (define-key map (kbd "u") #'vc-lsp-usage)
    map)
  "Keys for vc-lsp's commands; bind the map to a prefix, e.g. C-c v.")
(fset 'vc-lsp-command-map vc-lsp-command-map)

;;;; Status in the mode line (both clients)

(defcustom vc-lsp-mode-line t
  "Where the mode line shows vc-lsp's status.
t: at its end, in `global-mode-string' (as most packages do); `front': before
the major and minor modes, for narrow windows; nil: nowhere.  The status is
\"vc-lsp\" when all is well, \"vc-lsp …\" while a request is in flight,
otherwise what is wrong and what to do."
  :type '(choice (const :tag "At the end" t) (const :tag "Before the modes" front)
                 (const :tag "Nowhere" nil)))

(defcustom vc-lsp-status-width 40
  "Most characters of a status message the mode line shows."
  :type 'integer)

(defvar vc-lsp-status-functions nil
  "Functions called with each status vc-lsp sends (a plist: :kind :message :busy
:state :command :uri), e.g. for a mode line package of your own.")

(defvar vc-lsp--status nil
  "The last status vc-lsp sent (didChangeStatus), as a plist.")

(defun vc-lsp--status-file (uri)
  "The local file name of the file: URI, or nil."
  (when (and (stringp uri) (string-prefix-p "file://" uri))
    (url-unhex-string (substring uri (length "file://")))))

(defun vc-lsp-status-string ()
  "vc-lsp's status for a mode line, or nil before the server has sent one.
An \"off for this file\" status shows only in that file's buffers."
  (let ((s vc-lsp--status))
    (when s
      (let ((busy (if (eq (plist-get s :busy) t) " …" ""))
            (file (vc-lsp--status-file (plist-get s :uri)))
            (message (format "%s" (or (plist-get s :message) (plist-get s :kind)))))
        (if (or (equal (plist-get s :kind) "Normal")
                (and file (not (and buffer-file-name
                                    (file-equal-p file buffer-file-name)))))
            (concat "vc-lsp" busy)
          (when (> (length message) vc-lsp-status-width)
            (setq message (concat (substring message 0 (1- vc-lsp-status-width)) "…")))
          (concat "vc-lsp: " message busy))))))

(defvar vc-lsp-mode-line-format
  '(:eval (when-let ((text (and (eq vc-lsp-mode-line t) (vc-lsp-status-string))))
            (concat " " text " ")))
  "What `global-mode-string' gets for vc-lsp's status.")
(put 'vc-lsp-mode-line-format 'risky-local-variable t)

(defvar vc-lsp-mode-line-front
  '(:eval (when-let ((text (and (eq vc-lsp-mode-line 'front) (vc-lsp-status-string))))
            (concat text "  ")))
  "What the front of `mode-line-modes' gets for vc-lsp's status.")
(put 'vc-lsp-mode-line-front 'risky-local-variable t)

(unless (member 'vc-lsp-mode-line-format global-mode-string)
  (setq global-mode-string (append (or global-mode-string '("")) '(vc-lsp-mode-line-format))))
(unless (member 'vc-lsp-mode-line-front (default-value 'mode-line-modes))
  (setq-default mode-line-modes (cons 'vc-lsp-mode-line-front
                                      (default-value 'mode-line-modes))))

(defun vc-lsp--on-status (status)
  "Keep STATUS (a plist), redraw the mode lines and tell `vc-lsp-status-functions'."
  (setq vc-lsp--status status)
  (force-mode-line-update t)
  (run-hook-with-args 'vc-lsp-status-functions status))

(declare-function lsp--client-notification-handlers "lsp-mode")
(defvar lsp-clients)

(defun vc-lsp--lsp-status (_workspace params)
  "lsp-mode's handler for didChangeStatus; PARAMS is a hash table or a plist."
  (vc-lsp--on-status
   (if (hash-table-p params)
       (let (plist)
         (maphash (lambda (key value) (setq plist (plist-put plist (intern (concat ":" key))
                                                            value)))
                  params)
         plist)
     params)))

(with-eval-after-load 'lsp-mode
  (when-let ((client (gethash 'vc-lsp lsp-clients)))
    (puthash "didChangeStatus" #'vc-lsp--lsp-status
             (lsp--client-notification-handlers client))))

(with-eval-after-load 'eglot
  (eval
   '(cl-defmethod eglot-handle-notification
      ((_server vc-lsp-eglot-server) (_method (eql didChangeStatus)) &rest status)
      "vc-lsp's status, for the mode line."
      (vc-lsp--on-status status))
   t))

;;;###autoload
(defun vc-lsp-why ()
  "Show why the last completion in this buffer gave nothing, and what was sent."
  (interactive)
  (vc-lsp--execute "vc.why" (list :uri (vc-lsp--uri))))

;;;###autoload
(defun vc-lsp-usage ()
  "Say what today's requests cost (all of your editors together)."
  (interactive)
  (vc-lsp--execute "vc.usage" (make-hash-table)))

(provide 'vc-lsp)
;;; vc-lsp.el ends here
